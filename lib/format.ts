const number = new Intl.NumberFormat('en-US');
export const formatCount = (n: number) => number.format(n);
