/**
 * The search language's vocabulary, limits and user-facing grammar text. No imports: safe to use
 * from client components (the help popover) as well as from the server.
 */

/** The fields a search term may name, in the order the help lists them. */
export const SEARCH_FIELDS = [
  'actor',
  'action',
  'target',
  'type',
  'field',
  'source',
  'ip',
  'outcome',
  'after',
  'before',
  'offhours',
  'weekday',
  'hour',
] as const satisfies readonly string[];
export type SearchField = (typeof SEARCH_FIELDS)[number];

export const MAX_QUERY_LENGTH = 2000;
export const MAX_TERMS = 64;
export const MAX_NESTING = 32;
/** The earliest and latest years a date in a search may name. */
export const MIN_SEARCH_YEAR = 2000;
export const MAX_SEARCH_YEAR = 2100;

/**
 * Working hours for `offhours:` (and any detector that must agree with it): 08:00 up to, not
 * including, 18:00, Monday to Friday, in the actor's own time zone (UTC when it is unknown).
 */
export const WORKDAY_START_HOUR = 8;
export const WORKDAY_END_HOUR = 18;
/** ISO day numbers (Monday = 1 ... Sunday = 7) outside the working week. */
export const WEEKEND_ISO_DAYS = [6, 7] as const;

/** `weekday:` values in ISO order (index + 1 is the ISO day number, Monday = 1). */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

/** The grammar for end users, shown verbatim in the README and in the search help popover. */
export const GRAMMAR = `Search syntax

Words and phrases
  invoice              events whose actor (name, e-mail, id), target (label, id), action
                       or changes (field names, old and new values) contain "invoice"
  "status changed"     a phrase: the words together, in this order
  Text matching ignores upper/lower case, and % _ \\ * are ordinary characters.
  Inside quotes, write \\" for a quote and \\\\ for a backslash.
  Leave a space between a phrase and the words around it.
  The phrase "" (empty quotes) is not allowed.

Fields (field names ignore case)
  actor:alice@example.com    the actor's id, e-mail or name, exactly
                             (e-mail and name ignore upper/lower case)
  action:user.login_failed   this action, exactly (actions are all lower case)
  action:candidate.*         every action starting with "candidate."
                             (* only at the end, after at least one character)
  target:invoice/INV-42      target type "invoice" and target id "INV-42"
                             (the first / separates type and id)
  target:INV-42              any target with the id "INV-42"
  type:invoice               the target type
  field:salary               events that changed the field "salary"
  source:aws                 events sent by the source named "aws" (names ignore case);
                             source:dashboard means this dashboard's own actions
  ip:203.0.113.7             the actor's IP address (IPv4 or IPv6)
  ip:10.0.0.0/8              any address in a network (IPv4 or IPv6, e.g. ip:2001:db8::/32);
                             the address must be the network's first address;
                             stored values that are not valid addresses never match
  outcome:failure            success or failure
  after:2026-03-01           at or after a moment
  before:2026-03-01          before a moment
                             A moment is a date (2026-03-01 means midnight UTC), a date and
                             time with its offset (2026-03-01T09:00:00+01:00 or ...Z), or a
                             time ago: 30m (minutes), 24h (hours), 7d (days), 4w (weeks).
                             Dates must be real and between the years 2000 and 2100.
  offhours:true              outside working hours: before 08:00 or from 18:00 on, or on a
                             Saturday or Sunday, in the actor's own time zone (UTC if unknown)
  offhours:false             within working hours
  weekday:sat                on this day of the week (mon, tue, wed, thu, fri, sat, sun;
                             full names like saturday work too)
  hour:2                     in this hour of the day, 0 to 23 (hour:2 is 02:00-02:59)
                             weekday: and hour: read the time in the actor's own time zone
                             (UTC if unknown), like offhours:; with after: and before: they
                             pick out one cell of the overview's heatmap:
                             weekday:sat hour:2 after:2026-03-01 before:2026-04-01

  Values with spaces, parentheses or quotes go in quotes: actor:"Ravi Kumar"
  A word that starts with a letter (or _) and contains a colon is read as field:value, and an
  unknown field is an error; put it in quotes to search for it as text: "http://example.com"

Combining
  a b                  both a and b (writing AND between them is optional)
  a OR b               a or b, or both
  a b OR c             AND goes first: (a b) OR c
  -a                   not a; NOT a means the same
  -(a OR b)            neither a nor b
  ( ... )              grouping, e.g. (action:user.login_failed OR action:user.locked) -outcome:success
  OR, AND and NOT are keywords only in capitals; in lower case they are ordinary words.
  A - must be directly followed by what it negates, with no space.

Limits
  At most 2,000 characters, 64 terms and 32 levels of parentheses.
  An empty search shows every event.`;
