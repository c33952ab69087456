/**
 * The pure batch runner the engine calls: every event, in the order given, through every enabled
 * rule, with the rules' states in a Map the engine loads before (neededStateKeys) and writes back
 * after (changedKeys). No I/O: the engine owns the transaction.
 */
import { DETECTORS } from './detectors';
import {
  RULE_IDS,
  stateKey,
  type AnyDetector,
  type DetectionEvent,
  type DetectionSettings,
  type DetectorContext,
  type Finding,
  type RuleConfig,
  type RuleId,
  type Severity,
} from './types';

export { DEFAULT_SETTINGS } from './settings';
/** The key of a detector state in the map and the store (defined beside the contract). */
export { splitStateKey, stateKey } from './types';

/** Every rule enabled, with its default severity and parameters. */
export function defaultRules(): Record<RuleId, RuleConfig> {
  const out = {} as Record<RuleId, RuleConfig>;
  for (const rule of RULE_IDS) {
    const d = DETECTORS[rule];
    out[rule] = { enabled: true, severity: d.defaultSeverity, params: structuredClone(d.defaults) };
  }
  return out;
}

type Active = {
  rule: RuleId;
  detector: AnyDetector;
  params: unknown;
  ctx: DetectorContext & { severity: Severity };
};

/**
 * The enabled rules with parsed parameters, in RULE_IDS order. Stored parameters were validated
 * when saved, so a failure here is a bug or a hand-edited row: it throws, naming rule and field,
 * rather than run a rule with parameters nobody chose.
 */
function activeRules(
  rules: Partial<Record<RuleId, RuleConfig>>,
  settings: DetectionSettings,
): Active[] {
  const out: Active[] = [];
  for (const rule of RULE_IDS) {
    const config = rules[rule];
    if (!config || !config.enabled) continue;
    const detector = DETECTORS[rule];
    const parsed = detector.parseParams(config.params);
    if (!parsed.ok) {
      const problems = Object.entries(parsed.errors)
        .map(([field, message]) => `${field} ${message}`)
        .join('; ');
      throw new Error(`rule ${rule} has invalid parameters: ${problems}`);
    }
    out.push({
      rule,
      detector,
      params: parsed.params,
      ctx: { settings, severity: config.severity },
    });
  }
  return out;
}

/**
 * The state keys the batch will read, each once, so the engine can load them in one query.
 * Keys of states not in the store start from the detector's initial state.
 */
export function neededStateKeys(
  events: DetectionEvent[],
  rules: Partial<Record<RuleId, RuleConfig>>,
  settings: DetectionSettings,
): string[] {
  const active = activeRules(rules, settings);
  const keys = new Set<string>();
  for (const event of events) {
    for (const a of active) {
      const key = a.detector.keyOf(event, a.params, a.ctx);
      if (key !== null) keys.add(stateKey(a.rule, key));
    }
  }
  return [...keys];
}

export type RunResult = {
  findings: Finding[];
  /** State keys whose state changed (the new states are in the map); write these back. */
  changedKeys: string[];
};

/** A state as the runner holds it during a batch: its store key, the state, whether it changed. */
type Slot = { key: string; state: unknown; changed: boolean };

/**
 * Runs the batch. `states` holds the stored states by stateKey (missing: initial state); the
 * changed ones are written back into it at the end. A detector returns the very state object it
 * was given when nothing changed, so only real changes are recorded and written back.
 *
 * Per rule, states are looked up by the detector's own key (a string the event already holds,
 * whose hash V8 has cached) rather than by building the composite key for every event: that
 * lookup is most of the runner's cost.
 */
export function runDetectors(
  events: DetectionEvent[],
  rules: Partial<Record<RuleId, RuleConfig>>,
  settings: DetectionSettings,
  states: Map<string, unknown>,
): RunResult {
  const active = activeRules(rules, settings);
  const slots = active.map(() => new Map<string, Slot>());
  const findings: Finding[] = [];
  for (const event of events) {
    for (let r = 0; r < active.length; r++) {
      const a = active[r] as Active;
      const key = a.detector.keyOf(event, a.params, a.ctx);
      if (key === null) continue;
      const bySlot = slots[r] as Map<string, Slot>;
      let slot = bySlot.get(key);
      if (slot === undefined) {
        const composite = stateKey(a.rule, key);
        const stored = states.get(composite);
        slot = {
          key: composite,
          state: stored === undefined ? a.detector.initialState() : stored,
          changed: false,
        };
        bySlot.set(key, slot);
      }
      const out = a.detector.evaluate(event, slot.state, a.params, a.ctx);
      if (out.state !== slot.state) {
        slot.state = out.state;
        slot.changed = true;
      }
      for (const f of out.findings) findings.push(f);
    }
  }
  const changedKeys: string[] = [];
  for (const bySlot of slots) {
    for (const slot of bySlot.values()) {
      if (!slot.changed) continue;
      states.set(slot.key, slot.state);
      changedKeys.push(slot.key);
    }
  }
  return { findings, changedKeys };
}
