import type { Metadata } from 'next';
import { GeistMono } from 'geist/font/mono';
import { GeistSans } from 'geist/font/sans';
import { themeClass } from '@/lib/theme';
import { getTheme } from '@/lib/theme-server';
import { cn } from '@/lib/utils';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'WhoChanged', template: '%s · WhoChanged' },
  description: 'Who changed what, when, from where — and was it allowed?',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The theme is applied here, on the server, so the first paint is already right.
  const theme = await getTheme();
  return (
    <html lang="en" className={cn(GeistSans.variable, GeistMono.variable, themeClass(theme))}>
      <body className="min-h-screen font-sans antialiased">{children}</body>
    </html>
  );
}
