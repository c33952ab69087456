import { sql, type SQL } from 'drizzle-orm';
import { WEEKEND_ISO_DAYS, WORKDAY_END_HOUR, WORKDAY_START_HOUR } from './grammar';
import type { SearchNode, SearchTerm } from './parse';

/**
 * Maps a parsed search onto audit_events' columns. Every value from the search goes in as a bind
 * parameter; the SQL text is assembled only from the fixed fragments below.
 *
 * `nullable` says whether the condition can be NULL (a nullable column, an unknown source): a
 * negation turns NULL into false first, so `-actor:x` also finds events without an actor.
 * Conditions that cannot be NULL stay plain so that `action = $1` and `occurred_at >= $1` keep
 * using indexes and partition pruning.
 */
type Compiled = { sql: SQL; nullable: boolean };

/** `%`, `_` and `\` as literal characters in a LIKE pattern with `escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const localTime = sql`whochanged_local_time(occurred_at, actor_time_zone)`;
const int = (n: number) => sql`${n}::int`;

/**
 * Outside 08:00-18:00 Monday to Friday in the actor's zone (never NULL): the condition of
 * `offhours:true`, for a detector that must agree with the search (a fresh SQL object each call).
 */
export const offHoursSql = (): SQL =>
  sql`(extract(isodow from ${localTime}) in (${sql.join(
    WEEKEND_ISO_DAYS.map(int),
    sql`, `,
  )}) or extract(hour from ${localTime}) not between ${int(WORKDAY_START_HOUR)} and ${int(
    WORKDAY_END_HOUR - 1,
  )})`;

/**
 * Compares the stored actor_ip as an address, when it is one as node:net's isIP sees it (as the
 * ingest flags do). whochanged_inet() is NULL for text PostgreSQL cannot read, so such rows never
 * match and never make the query fail; PostgreSQL also reads text isIP refuses (`225.01.00.16`
 * as 225.1.0.16, `10.0.0.1/8` as a host in a network), so an IPv4 address must be written as
 * host() writes it and an IPv6 address must carry no prefix. Calls whochanged_inet() once a row.
 */
function storedAddress(comparison: SQL): SQL {
  return sql`exists (select 1 from (select whochanged_inet(actor_ip) as parsed_ip) as a where a.parsed_ip ${comparison} and case family(a.parsed_ip) when 4 then host(a.parsed_ip) = actor_ip else strpos(actor_ip, '/') = 0 end)`;
}

function freeText(value: string): SQL {
  const pattern = `%${escapeLike(value)}%`;
  const like = (column: SQL) => sql`${column} ilike ${pattern}::text escape '\\'`;
  // Field names and old/new values of the changes, as text (strings without their JSON quotes);
  // not the JSON keys themselves, so "new" does not match every change.
  const changes = sql`exists (select 1 from jsonb_array_elements(case when jsonb_typeof(changes) = 'array' then changes else '[]'::jsonb end) as c(v) where ${like(
    sql`(v ->> 'field')`,
  )} or ${like(sql`(v -> 'old' #>> '{}')`)} or ${like(sql`(v -> 'new' #>> '{}')`)})`;
  return sql`(${sql.join(
    [
      like(sql`actor_name`),
      like(sql`actor_email`),
      like(sql`actor_id`),
      like(sql`target_label`),
      like(sql`target_id`),
      like(sql`action`),
      changes,
    ],
    sql` or `,
  )})`;
}

function term(node: SearchTerm): Compiled {
  switch (node.field) {
    case 'actor': {
      const v = node.value;
      return {
        sql: sql`(actor_id = ${v}::text or lower(actor_email) = lower(${v}::text) or lower(actor_name) = lower(${v}::text))`,
        nullable: true,
      };
    }
    case 'action':
      return node.prefix
        ? {
            sql: sql`action like ${`${escapeLike(node.value.slice(0, -1))}%`}::text escape '\\'`,
            nullable: false,
          }
        : { sql: sql`action = ${node.value}::text`, nullable: false };
    case 'target':
      return node.targetType === null
        ? { sql: sql`target_id = ${node.targetId}::text`, nullable: true }
        : {
            sql: sql`(target_type = ${node.targetType}::text and target_id = ${node.targetId}::text)`,
            nullable: true,
          };
    case 'type':
      return { sql: sql`target_type = ${node.value}::text`, nullable: true };
    case 'field':
      return {
        sql: sql`changes @> jsonb_build_array(jsonb_build_object('field', ${node.value}::text))`,
        nullable: false,
      };
    case 'source':
      // No such source: the subquery is NULL and nothing matches.
      return node.value === 'dashboard'
        ? {
            sql: sql`stream_id = (select id from audit_streams where name = 'dashboard')`,
            nullable: true,
          }
        : {
            sql: sql`stream_id = (select id from audit_streams where name = 'source:' || ${node.value}::text)`,
            nullable: true,
          };
    case 'ip':
      return node.network
        ? { sql: storedAddress(sql`<<= ${node.value}::cidr`), nullable: false }
        : {
            sql: sql`(actor_ip = ${node.value}::text or ${storedAddress(sql`= ${node.value}::inet`)})`,
            nullable: true,
          };
    case 'outcome':
      return { sql: sql`outcome = ${node.value}::text`, nullable: false };
    case 'after':
      return { sql: sql`occurred_at >= ${node.at.toISOString()}::timestamptz`, nullable: false };
    case 'before':
      return { sql: sql`occurred_at < ${node.at.toISOString()}::timestamptz`, nullable: false };
    case 'offhours':
      return {
        sql: node.value === 'true' ? offHoursSql() : sql`not ${offHoursSql()}`,
        nullable: false,
      };
    // The same local time as offhours: (never NULL), so a heatmap cell's link finds its events.
    case 'weekday':
      return { sql: sql`extract(isodow from ${localTime}) = ${int(node.isoDay)}`, nullable: false };
    case 'hour':
      return { sql: sql`extract(hour from ${localTime}) = ${int(node.hour)}`, nullable: false };
  }
}

function compile(node: SearchNode): Compiled {
  switch (node.kind) {
    case 'and':
    case 'or': {
      if (node.children.length === 0) {
        return { sql: node.kind === 'and' ? sql`true` : sql`false`, nullable: false };
      }
      const parts = node.children.map(compile);
      if (parts.length === 1) return parts[0]!;
      return {
        sql: sql`(${sql.join(
          parts.map((p) => p.sql),
          node.kind === 'and' ? sql` and ` : sql` or `,
        )})`,
        nullable: parts.some((p) => p.nullable),
      };
    }
    case 'not': {
      const inner = compile(node.child);
      return {
        sql: inner.nullable ? sql`not coalesce(${inner.sql}, false)` : sql`not (${inner.sql})`,
        nullable: false,
      };
    }
    case 'text':
      return { sql: freeText(node.value), nullable: true };
    case 'term':
      return term(node);
  }
}

/**
 * The WHERE condition for a parsed search, over audit_events' columns unqualified (select FROM
 * audit_events, aliased or not, without joining tables that share its column names).
 * The empty search compiles to `true`.
 */
export function compileSearch(tree: SearchNode): SQL {
  return compile(tree).sql;
}
