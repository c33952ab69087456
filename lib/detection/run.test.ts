import { describe, expect, it } from 'vitest';
import { DETECTORS } from './detectors';
import { DEFAULT_SETTINGS, defaultRules, neededStateKeys, runDetectors, stateKey } from './run';
import { ev, onlyRule } from './testing';
import { RULE_IDS, type DetectionEvent, type DetectionSettings, type Finding } from './types';

const T0 = Date.parse('2026-06-01T07:00:00Z');
const MIN = 60_000;
const settings: DetectionSettings = {
  ...DEFAULT_SETTINGS,
  schedules: {
    'u-1': { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 },
  },
  adminActors: ['admin-1'],
};

/** A morning that touches every rule: deletes, exports, sign-ins, grants, self-changes, nights. */
function scenario(): DetectionEvent[] {
  const out: DetectionEvent[] = [];
  for (let i = 0; i < 45; i++)
    out.push(ev({ at: T0 + i * 5000, action: 'contact.delete', changes: [], actorId: 'u-2' }));
  for (let i = 0; i < 12; i++)
    out.push(
      ev({
        at: T0 + i * 15_000,
        action: 'user.login_failed',
        outcome: 'failure',
        changes: [],
        actorId: null,
        actorType: 'anonymous',
        actorIp: '203.0.113.201',
        targetType: 'user',
        targetId: `emp-${i % 11}`,
      }),
    );
  out.push(
    ev({
      at: T0 + 3 * MIN,
      action: 'role.assign',
      actorId: 'u-3',
      changes: [{ field: 'role', old: 'member', new: 'admin' }],
    }),
  );
  out.push(
    ev({
      at: T0 + 4 * MIN,
      actorId: 'u-4',
      targetId: 'u-4',
      changes: [{ field: 'salary', old: 100, new: 125 }],
    }),
  );
  out.push(
    ev({ at: T0 - 5 * 60 * MIN, actorId: 'u-1', changes: [{ field: 'salary', old: 1, new: 2 }] }),
  );
  for (let i = 0; i < 4; i++)
    out.push(
      ev({
        at: T0 + i * MIN,
        action: 'candidate.export',
        changes: [],
        actorId: 'u-5',
        metadata: { count: 400 },
      }),
    );
  return out.sort((a, b) => a.occurredAt - b.occurredAt);
}

const view = (findings: Finding[]) =>
  findings.map((f) => [f.rule, f.dedupeKey, f.eventIds, f.severity, f.summary]);

describe('defaultRules', () => {
  it('enables every rule with its default severity and parameters, which parse', () => {
    const rules = defaultRules();
    expect(Object.keys(rules)).toEqual([...RULE_IDS]);
    for (const rule of RULE_IDS) {
      const d = DETECTORS[rule];
      expect(d.rule).toBe(rule);
      expect(rules[rule]).toEqual({
        enabled: true,
        severity: d.defaultSeverity,
        params: d.defaults,
      });
      expect(d.parseParams(rules[rule].params)).toEqual({ ok: true, params: d.defaults });
      expect(d.parseParams({ nonsense: 1 })).toMatchObject({
        ok: false,
        errors: { nonsense: expect.any(String) },
      });
      expect(d.name.length).toBeGreaterThan(5);
      expect(d.description.length).toBeGreaterThan(20);
    }
    // A copy, not the detectors' own objects.
    expect(rules.burst.params).not.toBe(DETECTORS.burst.defaults);
  });
});

describe('runDetectors', () => {
  it('raises each expected rule on the scenario', () => {
    const { findings } = runDetectors(scenario(), defaultRules(), settings, new Map());
    const rules = new Set(findings.map((f) => f.rule));
    for (const rule of [
      'mass_delete',
      'password_spraying',
      'privilege_grant',
      'self_change',
      'off_hours_change',
      'mass_export',
      'burst',
    ])
      expect(rules).toContain(rule);
  });

  it('gives the same findings in one batch as in many, with states stored as JSON in between', () => {
    const events = scenario();
    const whole = runDetectors(events, defaultRules(), settings, new Map()).findings;
    let store = new Map<string, unknown>();
    const pieces: Finding[] = [];
    for (let i = 0; i < events.length; i += 7) {
      const batch = events.slice(i, i + 7);
      // Like the engine: load only what the batch needs, from JSON, and write back what changed.
      const states = new Map<string, unknown>();
      for (const key of neededStateKeys(batch, defaultRules(), settings))
        if (store.has(key)) states.set(key, JSON.parse(JSON.stringify(store.get(key))));
      const result = runDetectors(batch, defaultRules(), settings, states);
      pieces.push(...result.findings);
      store = new Map(store);
      for (const key of result.changedKeys)
        store.set(key, JSON.parse(JSON.stringify(states.get(key))));
    }
    expect(view(pieces)).toEqual(view(whole));
  });

  it('records exactly the states that changed, under keys neededStateKeys announced', () => {
    const events = scenario();
    const states = new Map<string, unknown>();
    const needed = new Set(neededStateKeys(events, defaultRules(), settings));
    const { changedKeys } = runDetectors(events, defaultRules(), settings, states);
    expect(new Set(changedKeys)).toEqual(new Set(states.keys()));
    for (const key of changedKeys) expect(needed).toContain(key);
    expect(needed).toContain(stateKey('mass_delete', 'u-2'));
    expect(needed).toContain(stateKey('password_spraying', '203.0.113.201'));
    // Running a read that changes nothing for a rule whose state is settled writes nothing.
    const again = runDetectors(
      [
        ev({
          at: T0 + 10 * MIN,
          actorId: 'u-4',
          targetId: 'u-4',
          changes: [{ field: 'salary', old: 125, new: 126 }],
        }),
      ],
      onlyRule('self_change'),
      settings,
      states,
    );
    expect(again.findings).toHaveLength(1);
    expect(again.changedKeys).toEqual([]);
  });

  it('skips disabled rules and refuses invalid stored parameters, naming rule and field', () => {
    const rules = defaultRules();
    for (const rule of RULE_IDS) rules[rule].enabled = false;
    expect(runDetectors(scenario(), rules, settings, new Map())).toEqual({
      findings: [],
      changedKeys: [],
    });
    const bad = defaultRules();
    bad.burst.params = { maxChanges: -1 };
    expect(() => runDetectors(scenario(), bad, settings, new Map())).toThrow(
      'rule burst has invalid parameters: maxChanges must be a whole number from 1 to 10000',
    );
  });

  it('survives ids and field names that are names of Object.prototype properties', () => {
    const odd = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const events = odd.flatMap((id, i) => [
      ev({
        at: T0 + i * MIN,
        actorId: id,
        targetId: id,
        changes: [{ field: id, old: 'viewer', new: id }],
      }),
      ev({
        at: T0 + i * MIN + 1,
        actorId: id,
        action: 'role.assign',
        changes: [{ field: 'role', old: id, new: 'admin' }],
      }),
      ev({ at: T0 + i * MIN + 2, actorId: id, changes: [{ field: 'salary', old: 1, new: 2 }] }),
    ]);
    const oddSettings = { ...settings, sensitiveFields: [...settings.sensitiveFields, ...odd] };
    const { findings } = runDetectors(events, defaultRules(), oddSettings, new Map());
    const grants = findings.filter((f) => f.rule === 'privilege_grant');
    expect(grants.map((f) => f.actorId)).toEqual(odd);
    expect(grants.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('uses the configured severity', () => {
    const rules = onlyRule('mass_delete');
    rules.mass_delete.severity = 'critical';
    const { findings } = runDetectors(scenario(), rules, settings, new Map());
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(['critical']));
  });
});
