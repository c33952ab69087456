/** Only same-site relative paths: an open redirect would let a phishing link bounce off us. */
export function safeCallbackUrl(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  )
    return '/';
  if (value.length > 2000 || /[\u0000-\u001f]/.test(value)) return '/';
  return value;
}
