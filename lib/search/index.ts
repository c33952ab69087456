/**
 * The search language: `parseSearch` turns what was typed into a tree (or an error with its
 * position), `compileSearch` turns the tree into a drizzle SQL condition over audit_events with
 * every value bound as a parameter, `describeSearch` gives the tree's canonical text.
 *
 * Everything here runs in the browser too (no node: imports); client components that only need
 * the help text can import `@/lib/search/grammar`, which has no dependencies at all.
 */
export {
  GRAMMAR,
  MAX_NESTING,
  MAX_QUERY_LENGTH,
  MAX_TERMS,
  SEARCH_FIELDS,
  WEEKDAY_NAMES,
  WEEKEND_ISO_DAYS,
  WORKDAY_END_HOUR,
  WORKDAY_START_HOUR,
  type SearchField,
  type WeekdayName,
} from './grammar';
export {
  describeSearch,
  parseSearch,
  type SearchError,
  type SearchNode,
  type SearchParseResult,
  type SearchTerm,
} from './parse';
export { compileSearch, escapeLike, offHoursSql } from './compile';
export { isOffHours } from './offhours';
