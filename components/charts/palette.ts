/**
 * Series colours: the Okabe–Ito palette, distinguishable with the common colour-vision
 * deficiencies, ordered so the first colours also hold 3:1 against light and dark cards
 * (yellow, the weakest on white, comes last). Charts never rely on colour alone: every series
 * is named in a legend, a tooltip and the table under the chart.
 */
export const SERIES_COLORS = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#F0E442', // yellow
] as const;
/** "Other" (the series merged beyond the first seven): neutral, from the theme. */
export const OTHER_COLOR = 'var(--muted-foreground)';

export const seriesColor = (index: number) => SERIES_COLORS[index % SERIES_COLORS.length]!;

/** Alert severities: ordered light to strong, told apart by marker size and name as well. */
export const SEVERITY_COLORS = {
  low: '#56B4E9',
  medium: '#E69F00',
  high: '#D55E00',
  critical: '#CC79A7',
} as const;

/** The "unusual" outline on heatmap cells (vermillion; with a ! mark, never colour alone). */
export const UNUSUAL_COLOR = '#D55E00';
