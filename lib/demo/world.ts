/**
 * The state of the demo organisation's systems while events stream, and the rendering of each
 * skeleton entry into a wire-format event: which record it touches, which fields change, and the
 * old and new values. Values chain (a salary's new value is the next change's old value); the
 * record pools are fixed-size rings sized to the requested volume, so memory stays bounded at
 * 10 million events.
 */
import type { EventInput } from '@/lib/events/schema';
import { LATE_EVENING, OFF_HOURS, type TimeKind, WORK, timeKind } from './activity';
import {
  ATS,
  CRM,
  DORMANT_IP,
  DORMANT_USER_AGENT,
  EXPORT_ROWS,
  HRIS,
  IDENTITY,
  type Planted,
  SOURCE_NAMES,
  SPRAY_IP,
  SPRAY_USER_AGENT,
} from './incidents';
import {
  ALL_FIRST_NAMES,
  ALL_LAST_NAMES,
  COMPANIES,
  CONTACT_TITLES,
  CONTRACT_DEPARTMENTS,
  CURRENCY_RATE,
  type Department,
  JOBS,
  type Profile,
  VPN_IPS,
  emailPart,
} from './org';
import { type Plan, SERVICES, SERVICE_BASE } from './plan';
import { Rng, hash32, hashUnit, labelNumber } from './random';
import { DAY, HOUR, MINUTE, TimestampFormatter, isoDate } from './time';

type Actor = EventInput['actor'];
type Target = { type: string; id: string; label: string };
type Change = { field: string; old: unknown; new: unknown };

const CURRENCIES = ['USD', 'GBP', 'EUR', 'INR', 'AUD'] as const;
// prettier-ignore
const STAGES = [
  'applied', 'screening', 'phone_screen', 'interview', 'final_interview', 'offer', 'hired', 'rejected', 'withdrawn',
];
const STAGE_OFFER = 5;
const STAGE_HIRED = 6;
// prettier-ignore
const DEAL_STAGES = [
  'prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost',
];
const WORK_LOCATIONS = ['onsite', 'hybrid', 'remote'];
const APP_ROLES = ['viewer', 'editor', 'approver'];
const APPS = ['ats', 'crm', 'hris'];
const HRIS_PERMISSIONS = ['self_service', 'team_viewer', 'hr_editor', 'payroll_editor'];
// prettier-ignore
const GROUPS = [
  { id: 'grp-vpn-users', label: 'VPN Users' },
  { id: 'grp-recruiting-emea', label: 'Recruiting — EMEA' },
  { id: 'grp-recruiting-americas', label: 'Recruiting — Americas' },
  { id: 'grp-recruiting-apac', label: 'Recruiting — APAC' },
  { id: 'grp-sales', label: 'Sales — Global' },
  { id: 'grp-payroll', label: 'Payroll' },
  { id: 'grp-hr-confidential', label: 'HR Confidential' },
  { id: 'grp-finance-approvers', label: 'Finance Approvers' },
  { id: 'grp-engineering', label: 'Engineering' },
];
const ADMIN_GROUP = { id: 'grp-administrators', label: 'Administrators' };
const CANDIDATE_SOURCES = ['LinkedIn', 'Indeed', 'Seek', 'Naukri', 'StepStone', 'Company website'];
// prettier-ignore
const LOCATIONS = [
  'New York, NY', 'Austin, TX', 'Chicago, IL', 'Los Angeles, CA', 'London', 'Manchester', 'Berlin', 'Munich', 'Bengaluru',
  'Pune', 'Sydney', 'Melbourne', 'Remote',
];
const SALARY_REASONS = [
  'Annual merit increase',
  'Promotion',
  'Market adjustment',
  'Retention adjustment',
  'Correction of data-entry error',
];

type Mix = { actions: string[]; cum: number[]; total: number };

function mix(entries: [string, number][]): Mix {
  let total = 0;
  const actions: string[] = [];
  const cum: number[] = [];
  for (const [action, w] of entries) {
    if (w <= 0) continue;
    total += w;
    actions.push(action);
    cum.push(total);
  }
  return { actions, cum, total };
}

// prettier-ignore
const ATS_MIX: Record<Department, [string, number][]> = {
  Recruiting: [['candidate.view', 38], ['candidate.update', 12], ['candidate.stage_change', 16], ['candidate.create', 7],
    ['candidate.note_add', 12], ['interview.schedule', 10], ['offer.create', 2], ['offer.update', 2],
    ['candidate.export', 0.6]],
  HR: [['candidate.view', 50], ['offer.approve', 15], ['candidate.note_add', 10], ['candidate.stage_change', 10], ['offer.update', 5]],
  Sales: [['candidate.view', 80], ['candidate.note_add', 20]],
  Management: [['candidate.view', 60], ['offer.approve', 15], ['candidate.stage_change', 10], ['candidate.note_add', 15]],
  Finance: [['candidate.view', 100]],
  'Engineering & IT': [['candidate.view', 100]],
};
// prettier-ignore
const CRM_MIX: Record<Department, [string, number][]> = {
  Sales: [['contact.view', 30], ['contact.update', 15], ['contact.create', 7], ['contact.delete', 0.8], ['deal.view', 12],
    ['deal.update', 14], ['deal.create', 2], ['activity.log', 18], ['contact.export', 0.3]],
  Recruiting: [['contact.view', 60], ['activity.log', 30], ['contact.update', 10]],
  Finance: [['deal.view', 60], ['deal.update', 20], ['contact.view', 20]],
  Management: [['deal.view', 50], ['contact.view', 30], ['deal.update', 10], ['activity.log', 10]],
  HR: [['contact.view', 100]],
  'Engineering & IT': [['contact.view', 100]],
};
// prettier-ignore
const HRIS_MIX: Record<Department, [string, number][]> = {
  HR: [['employee.view', 45], ['employee.update', 28], ['employee.salary', 6], ['employee.bank', 3], ['time_off.approve', 18]],
  Finance: [['employee.view', 50], ['employee.salary', 20], ['employee.bank', 15], ['employee.update', 15]],
  Management: [['employee.view', 70], ['time_off.approve', 30]],
  Recruiting: [['employee.view', 100]],
  Sales: [['employee.view', 100]],
  'Engineering & IT': [['employee.view', 100]],
};
// prettier-ignore
const IDENTITY_MIX: [string, number][] = [
  ['user.login', 38], ['user.mfa_challenge', 32], ['user.logout', 24], ['user.login_failed', 3.5], ['user.password_change', 0.5],
];
const START_OF_DAY = mix([
  ['user.login', 52],
  ['user.mfa_challenge', 42],
  ['user.login_failed', 5],
  ['user.logout', 1],
]);
const END_OF_DAY = mix([
  ['user.logout', 65],
  ['user.login', 17],
  ['user.mfa_challenge', 16],
  ['user.login_failed', 2],
]);
// prettier-ignore
const ADMIN_IDENTITY_EXTRA: [string, number][] = [
  ['role.assign', 6], ['group.member_add', 8], ['group.member_remove', 3],
];

/** Actions only done in working hours (changes to sensitive data, bulk operations, access). */
const IN_HOURS_ONLY = new Set([
  'employee.salary',
  'employee.bank',
  'permission.grant',
  'role.assign',
  'group.member_add',
  'group.member_remove',
  'contact.delete',
  'contact.export',
  'candidate.export',
  'offer.create',
  'offer.update',
  'offer.approve',
  'user.password_change',
]);
/** What someone does outside their hours: reads (and signing in to do them). */
const READ_ACTION: Record<number, string> = {
  [CRM]: 'contact.view',
  [ATS]: 'candidate.view',
  [HRIS]: 'employee.view',
  [IDENTITY]: 'user.login',
};
const READ_ONLY = new Set([
  'contact.view',
  'deal.view',
  'candidate.view',
  'employee.view',
  'user.login',
  'user.mfa_challenge',
  'user.logout',
  'user.login_failed',
]);

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

function roundMoney(amount: number, currency: string): number {
  const step = currency === 'INR' ? 5000 : 100;
  return Math.max(step, Math.round(amount / step) * step);
}

function bankMask(currency: string, check: number, last4: number): string {
  const l4 = String(last4).padStart(4, '0');
  const cd = String(10 + (check % 90));
  switch (currency) {
    case 'EUR':
      return `DE${cd} **** **** ${l4}`;
    case 'GBP':
      return `GB${cd} **** **** ${l4}`;
    case 'INR':
      return `IN ****${l4} (IFSC HDFC0****)`;
    case 'AUD':
      return `BSB ***-*** ****${l4}`;
    default:
      return `US ACH ****${l4}`;
  }
}

function phone(currency: string, n: number): string {
  const d4 = String(n % 10000).padStart(4, '0');
  switch (currency) {
    case 'GBP':
      return `+44 20 7946 0${d4.slice(1)}`;
    case 'EUR':
      return `+49 30 5550 ${d4}`;
    case 'INR':
      return `+91 80 5550 ${d4}`;
    case 'AUD':
      return `+61 2 5550 ${d4}`;
    default:
      return `+1 212 555 ${d4}`;
  }
}

export class World {
  private readonly rng: Rng;
  private readonly ts = new TimestampFormatter();
  private readonly people: Profile[];
  private readonly seed: number;
  private readonly mixes: Mix[][];

  // HRIS employees: the 60 staff, then placed contractors.
  private readonly nStaff: number;
  private readonly nEmp: number;
  private readonly empSalary: Float64Array;
  /** Salary at the start of the window: raises revert towards ~15% above it. */
  private readonly empBase: Float64Array;
  private readonly empCurrency: Uint8Array;
  private readonly empJob: Uint8Array;
  private readonly empManager: Int16Array;
  private readonly empDept: Uint8Array;
  private readonly empBank: Uint16Array;
  private readonly empBankCheck: Uint8Array;
  private readonly empLocation: Uint8Array;
  private readonly empPhone: Uint16Array;
  private readonly empPto: Int16Array;
  private readonly empFirst: Uint16Array;
  private readonly empLast: Uint16Array;
  private readonly contractOwners: number[];
  private readonly hrisPermission: Uint8Array;

  // ATS candidates: a ring of the most recent `candCap` candidates.
  private readonly candCap: number;
  private candNext = 0;
  private candSeq: number;
  private readonly candId: Int32Array;
  private readonly candFirst: Uint16Array;
  private readonly candLast: Uint16Array;
  private readonly candStage: Uint8Array;
  private readonly candOffer: Float64Array;
  private readonly candExpected: Float64Array;
  private readonly candJob: Uint8Array;
  private readonly candCompany: Uint16Array;
  private readonly candLocation: Uint8Array;
  private readonly candCurrency: Uint8Array;

  // CRM contacts and deals.
  private readonly conCap: number;
  private conNext = 0;
  private conSeq: number;
  private readonly conId: Int32Array;
  private readonly conFirst: Uint16Array;
  private readonly conLast: Uint16Array;
  private readonly conCompany: Uint16Array;
  private readonly conTitle: Uint8Array;
  private readonly conOwner: Uint8Array;
  private readonly conPhone: Uint16Array;
  private readonly conDeleted: Uint8Array;
  private readonly salesPeople: number[];
  private readonly dealCap: number;
  private dealNext = 0;
  private dealSeq: number;
  private readonly dealId: Int32Array;
  private readonly dealCompany: Uint16Array;
  private readonly dealValue: Float64Array;
  private readonly dealStage: Uint8Array;
  private readonly dealOwner: Uint8Array;

  // Identity.
  private readonly appRole: Uint8Array;
  private readonly directoryRole: string[];
  private readonly groupMember: Uint8Array;

  private reportSeq = 0;
  private ptoSeq = 0;
  private deleteQueue: number[] | null = null;
  private deleteCursor = 0;

  constructor(
    private readonly plan: Plan,
    private readonly seq = [0, 0, 0, 0],
  ) {
    this.people = plan.people;
    this.seed = plan.seed;
    const rng = new Rng(plan.seed, labelNumber('world'));
    this.rng = new Rng(plan.seed, labelNumber('content'));
    const volume = plan.events;

    this.mixes = this.people.map((p) => {
      const identity = p.isAdmin ? [...IDENTITY_MIX, ...ADMIN_IDENTITY_EXTRA] : IDENTITY_MIX;
      const hris: [string, number][] = p.isAdmin
        ? [
            ['employee.view', 40],
            ['permission.grant', 60],
          ]
        : HRIS_MIX[p.department];
      return [mix(CRM_MIX[p.department]), mix(ATS_MIX[p.department]), mix(hris), mix(identity)];
    });

    // Employees.
    this.nStaff = this.people.length;
    const nContractors = clamp(Math.round(volume / 400), 300, 25_000);
    this.nEmp = this.nStaff + nContractors;
    const n = this.nEmp;
    this.empSalary = new Float64Array(n);
    this.empCurrency = new Uint8Array(n);
    this.empJob = new Uint8Array(n);
    this.empManager = new Int16Array(n);
    this.empDept = new Uint8Array(n);
    this.empBank = new Uint16Array(n);
    this.empBankCheck = new Uint8Array(n);
    this.empLocation = new Uint8Array(n);
    this.empPhone = new Uint16Array(n);
    this.empPto = new Int16Array(n);
    this.empFirst = new Uint16Array(n);
    this.empLast = new Uint16Array(n);
    this.empBase = new Float64Array(n);
    this.contractOwners = this.people
      .filter(
        (p) =>
          (p.department === 'Sales' || p.department === 'Recruiting') &&
          p.incident !== 'departing' &&
          p.incident !== 'dormant',
      )
      .map((p) => p.index);
    for (let e = 0; e < n; e++) {
      if (e < this.nStaff) {
        const p = this.people[e] as Profile;
        this.empSalary[e] = p.salary;
        this.empCurrency[e] = CURRENCIES.indexOf(p.currency as (typeof CURRENCIES)[number]);
        this.empManager[e] = p.managerIndex ?? -1;
        this.empLocation[e] = 1;
      } else {
        const currency = rng.int(CURRENCIES.length);
        const job = rng.int(JOBS.length);
        this.empCurrency[e] = currency;
        this.empJob[e] = job;
        this.empSalary[e] = roundMoney(
          (JOBS[job] as { base: number }).base *
            (CURRENCY_RATE[CURRENCIES[currency] as string] as number) *
            (0.85 + rng.next() * 0.35),
          CURRENCIES[currency] as string,
        );
        this.empManager[e] = rng.pick(this.contractOwners);
        this.empDept[e] = rng.int(CONTRACT_DEPARTMENTS.length);
        this.empLocation[e] = rng.chance(0.7) ? 0 : rng.int(3);
        this.empFirst[e] = rng.int(ALL_FIRST_NAMES.length);
        this.empLast[e] = rng.int(ALL_LAST_NAMES.length);
      }
      this.empBase[e] = this.empSalary[e] as number;
      this.empBank[e] = rng.int(10000);
      this.empBankCheck[e] = rng.int(256);
      this.empPhone[e] = rng.int(10000);
      this.empPto[e] = 40 + rng.int(120);
    }
    this.hrisPermission = Uint8Array.from(this.people, (p) =>
      p.department === 'HR' ? 2 : p.department === 'Finance' ? 3 : p.role === 'manager' ? 1 : 0,
    );

    // Candidates.
    this.candCap = clamp(Math.round(volume / 40), 3000, 250_000);
    const cc = this.candCap;
    this.candId = new Int32Array(cc);
    this.candFirst = new Uint16Array(cc);
    this.candLast = new Uint16Array(cc);
    this.candStage = new Uint8Array(cc);
    this.candOffer = new Float64Array(cc);
    this.candExpected = new Float64Array(cc);
    this.candJob = new Uint8Array(cc);
    this.candCompany = new Uint16Array(cc);
    this.candLocation = new Uint8Array(cc);
    this.candCurrency = new Uint8Array(cc);
    this.candSeq = 100_000;
    for (let i = 0; i < cc; i++)
      this.newCandidate(rng, i, i < cc * 0.6 ? rng.int(STAGE_HIRED + 3) : rng.int(3));

    // Contacts and deals.
    this.salesPeople = this.people.filter((p) => p.department === 'Sales').map((p) => p.index);
    this.conCap = clamp(Math.round(volume / 100), 2000, 100_000);
    const nc = this.conCap;
    this.conId = new Int32Array(nc);
    this.conFirst = new Uint16Array(nc);
    this.conLast = new Uint16Array(nc);
    this.conCompany = new Uint16Array(nc);
    this.conTitle = new Uint8Array(nc);
    this.conOwner = new Uint8Array(nc);
    this.conPhone = new Uint16Array(nc);
    this.conDeleted = new Uint8Array(nc);
    this.conSeq = 50_000;
    for (let i = 0; i < nc; i++) this.newContact(rng, i, -1);
    this.dealCap = clamp(Math.round(volume / 1000), 300, 10_000);
    const nd = this.dealCap;
    this.dealId = new Int32Array(nd);
    this.dealCompany = new Uint16Array(nd);
    this.dealValue = new Float64Array(nd);
    this.dealStage = new Uint8Array(nd);
    this.dealOwner = new Uint8Array(nd);
    this.dealSeq = 7000;
    for (let i = 0; i < nd; i++) this.newDeal(rng, i, -1, rng.int(4));

    this.appRole = new Uint8Array(this.people.length * APPS.length).map(() => rng.int(2));
    this.directoryRole = this.people.map((p) => p.role);
    this.groupMember = new Uint8Array(this.people.length * GROUPS.length).map(() =>
      rng.chance(0.3) ? 1 : 0,
    );
  }

  // ——— record pools ———

  private newCandidate(rng: Rng, slot: number, stage: number): void {
    this.candId[slot] = ++this.candSeq;
    this.candFirst[slot] = rng.int(ALL_FIRST_NAMES.length);
    this.candLast[slot] = rng.int(ALL_LAST_NAMES.length);
    this.candStage[slot] = stage;
    const job = rng.int(JOBS.length);
    const currency = rng.int(CURRENCIES.length);
    this.candJob[slot] = job;
    this.candCurrency[slot] = currency;
    this.candCompany[slot] = rng.int(COMPANIES.length);
    this.candLocation[slot] = rng.int(LOCATIONS.length);
    const cur = CURRENCIES[currency] as string;
    this.candExpected[slot] = roundMoney(
      (JOBS[job] as { base: number }).base *
        (CURRENCY_RATE[cur] as number) *
        (0.9 + rng.next() * 0.4),
      cur,
    );
    this.candOffer[slot] =
      stage >= STAGE_OFFER && stage <= STAGE_HIRED
        ? roundMoney((this.candExpected[slot] as number) * 0.97, cur)
        : 0;
  }

  private newContact(rng: Rng, slot: number, owner: number): void {
    this.conId[slot] = ++this.conSeq;
    this.conFirst[slot] = rng.int(ALL_FIRST_NAMES.length);
    this.conLast[slot] = rng.int(ALL_LAST_NAMES.length);
    this.conCompany[slot] = rng.int(COMPANIES.length);
    this.conTitle[slot] = rng.int(CONTACT_TITLES.length);
    this.conPhone[slot] = rng.int(10000);
    this.conDeleted[slot] = 0;
    // Half of new contacts belong to whoever creates them, the rest are assigned to an account owner.
    if (owner >= 0 && rng.chance(0.5)) this.conOwner[slot] = owner;
    else {
      // The leaver has a big book of accounts; the head of sales a small one.
      const sales = this.salesPeople;
      let w = rng.next() * (sales.length + 2.5);
      let pick = sales[0] as number;
      for (const s of sales) {
        const p = this.people[s] as Profile;
        const weight = p.incident === 'departing' ? 4 : p.title === 'Head of Sales' ? 0.5 : 1;
        if (w < weight) {
          pick = s;
          break;
        }
        w -= weight;
      }
      this.conOwner[slot] = pick;
    }
  }

  private newDeal(rng: Rng, slot: number, owner: number, stage: number): void {
    this.dealId[slot] = ++this.dealSeq;
    this.dealCompany[slot] = rng.int(COMPANIES.length);
    this.dealValue[slot] = roundMoney(15000 + rng.next() * rng.next() * 240000, 'USD');
    this.dealStage[slot] = stage;
    this.dealOwner[slot] = owner >= 0 ? owner : rng.pick(this.salesPeople);
  }

  /** A recent-biased slot of a ring whose newest entry is just before `next`. */
  private recentSlot(cap: number, next: number): number {
    const u = this.rng.next();
    return (((next - 1 - Math.floor(cap * u * u)) % cap) + cap) % cap;
  }

  private candidateName(slot: number): string {
    return `${ALL_FIRST_NAMES[this.candFirst[slot] as number]} ${ALL_LAST_NAMES[this.candLast[slot] as number]}`;
  }

  private candidateTarget(slot: number): Target {
    return { type: 'candidate', id: `cand-${this.candId[slot]}`, label: this.candidateName(slot) };
  }

  private contactName(slot: number): string {
    return `${ALL_FIRST_NAMES[this.conFirst[slot] as number]} ${ALL_LAST_NAMES[this.conLast[slot] as number]}`;
  }

  private contactEmail(slot: number, company = this.conCompany[slot] as number): string {
    const domain = emailPart((COMPANIES[company] as string).split(' ')[0] as string);
    return `${emailPart(ALL_FIRST_NAMES[this.conFirst[slot] as number] as string)}.${emailPart(ALL_LAST_NAMES[this.conLast[slot] as number] as string)}@${domain}.example`;
  }

  private contactTarget(slot: number): Target {
    return {
      type: 'contact',
      id: `con-${this.conId[slot]}`,
      label: `${this.contactName(slot)} (${COMPANIES[this.conCompany[slot] as number]})`,
    };
  }

  private liveContact(preferOwner = -1): number {
    for (let attempt = 0; attempt < 12; attempt++) {
      const slot = this.recentSlot(this.conCap, this.conNext);
      if (this.conDeleted[slot]) continue;
      if (preferOwner >= 0 && attempt < 6 && this.conOwner[slot] !== preferOwner) continue;
      return slot;
    }
    for (let slot = 0; slot < this.conCap; slot++) if (!this.conDeleted[slot]) return slot;
    return 0;
  }

  private employeeName(e: number): string {
    if (e < this.nStaff) return (this.people[e] as Profile).name;
    return `${ALL_FIRST_NAMES[this.empFirst[e] as number]} ${ALL_LAST_NAMES[this.empLast[e] as number]}`;
  }

  private employeeId(e: number): string {
    return e < this.nStaff ? (this.people[e] as Profile).id : `ctr-${20001 + e - this.nStaff}`;
  }

  private employeeTarget(e: number): Target {
    return { type: 'employee', id: this.employeeId(e), label: this.employeeName(e) };
  }

  private userTarget(p: Profile): Target {
    return { type: 'user', id: p.id, label: p.email };
  }

  private currencyOf(e: number): string {
    return CURRENCIES[this.empCurrency[e] as number] as string;
  }

  /** Any employee but the actor: staff a third of the time, contractors otherwise. */
  private otherEmployee(actor: number): number {
    for (;;) {
      const e = this.rng.chance(0.33)
        ? this.rng.int(this.nStaff)
        : this.nStaff + this.rng.int(this.nEmp - this.nStaff);
      if (e !== actor) return e;
    }
  }

  // ——— events ———

  private actorFor(p: Profile, kind: TimeKind, localDay: number): Actor {
    let ip: string;
    let ua = p.userAgent;
    if (kind !== WORK) {
      ip =
        hashUnit(this.seed, p.index, localDay, 0x21) < 0.2
          ? (VPN_IPS[p.index % VPN_IPS.length] as string)
          : p.homeIp;
      if (hashUnit(this.seed, p.index, localDay, 0x7) < 0.4) ua = p.mobileUserAgent;
    } else if (hashUnit(this.seed, p.index, localDay, 0x5) < p.remoteShare) {
      ip =
        hashUnit(this.seed, p.index, localDay, 0x6) < 0.25
          ? (VPN_IPS[p.index % VPN_IPS.length] as string)
          : p.homeIp;
    } else {
      ip = p.office.ips[hash32(this.seed, p.index, localDay) % p.office.ips.length] as string;
    }
    return {
      id: p.id,
      name: p.name,
      email: p.email,
      type: 'user',
      ip,
      user_agent: ua,
      time_zone: p.timeZone,
    };
  }

  private sessionId(p: Profile, localDay: number, kind: TimeKind): string {
    return `ses_${hash32(this.seed, p.index, localDay, kind, 0x5e5).toString(36)}${(p.index + 36).toString(36)}`;
  }

  private requestId(): string {
    return `req_${this.rng.hex(16)}`;
  }

  private event(
    source: number,
    ms: number,
    offset: number | null,
    action: string,
    actor: Actor,
    target: Target | null,
    changes: Change[],
    extra: {
      outcome?: 'success' | 'failure';
      session?: string | null;
      reason?: string | null;
      metadata?: Record<string, unknown>;
    } = {},
  ): EventInput {
    this.seq[source]! += 1;
    return {
      id: `${SOURCE_NAMES[source]}-${String(this.seq[source]).padStart(9, '0')}`,
      occurred_at: this.ts.format(ms, offset),
      action,
      outcome: extra.outcome ?? 'success',
      actor,
      target: target ?? { type: null, id: null, label: null },
      changes,
      request_id: this.requestId(),
      session_id: extra.session ?? null,
      reason: extra.reason ?? null,
      metadata: extra.metadata ?? {},
    };
  }

  /** Renders one skeleton entry. */
  render(ms: number, source: number, actorCode: number): EventInput {
    if (actorCode < 0) return this.renderPlanted(this.plan.planted[-actorCode - 1] as Planted);
    if (actorCode >= SERVICE_BASE) return this.renderService(ms, source, actorCode - SERVICE_BASE);
    const p = this.people[actorCode] as Profile;
    const offset = this.plan.clock.offset(p.timeZone, ms);
    const local = ms + offset * MINUTE;
    const localDay = Math.floor(local / DAY);
    const weekday = (((localDay + 4) % 7) + 7) % 7;
    const hour = (local - localDay * DAY) / HOUR;
    const kind = timeKind(this.seed, p, weekday, hour, localDay);
    // People sign in at the start of their day and out at the end of it.
    const m =
      source === IDENTITY && kind === WORK && hour < p.workStart + 1.5
        ? START_OF_DAY
        : source === IDENTITY && kind === WORK && hour >= p.workEnd - 1
          ? END_OF_DAY
          : (this.mixes[p.index]![source] as Mix);
    let action = m.actions[findCum(m.cum, this.rng.next() * m.total)] as string;
    if (
      kind === OFF_HOURS
        ? !READ_ONLY.has(action)
        : kind === LATE_EVENING && IN_HOURS_ONLY.has(action)
    ) {
      action =
        source === IDENTITY
          ? this.rng.chance(0.5)
            ? 'user.login'
            : 'user.mfa_challenge'
          : (READ_ACTION[source] as string);
    }
    const actor = this.actorFor(p, kind, localDay);
    const session = this.sessionId(p, localDay, kind);
    switch (source) {
      case ATS:
        return this.renderAts(p, ms, offset, action, actor, session);
      case CRM:
        return this.renderCrm(p, ms, offset, action, actor, session);
      case HRIS:
        return this.renderHris(p, ms, offset, action, actor, session);
      default:
        return this.renderIdentity(p, ms, offset, action, actor, session);
    }
  }

  private renderAts(
    p: Profile,
    ms: number,
    offset: number,
    action: string,
    actor: Actor,
    session: string,
  ): EventInput {
    const rng = this.rng;
    const cc = this.candCap;
    switch (action) {
      case 'candidate.create': {
        const slot = this.candNext;
        this.candNext = (this.candNext + 1) % cc;
        this.newCandidate(rng, slot, 0);
        const job = this.candJob[slot] as number;
        return this.event(
          ATS,
          ms,
          offset,
          action,
          actor,
          this.candidateTarget(slot),
          [
            { field: 'name', old: null, new: this.candidateName(slot) },
            { field: 'stage', old: null, new: 'applied' },
            { field: 'job_id', old: null, new: `req-${1000 + job}` },
          ],
          {
            session,
            metadata: {
              source: p.title === 'Sourcer' ? 'sourced' : rng.chance(0.3) ? 'referral' : 'sourced',
              job_title: (JOBS[job] as { title: string }).title,
            },
          },
        );
      }
      case 'candidate.update': {
        const slot = this.recentSlot(cc, this.candNext);
        const changes: Change[] = [];
        const r = rng.next();
        if (r < 0.4) {
          const cur = CURRENCIES[this.candCurrency[slot] as number] as string;
          const old = this.candExpected[slot] as number;
          const next = roundMoney(old * (0.95 + rng.next() * 0.15), cur);
          this.candExpected[slot] = next;
          changes.push({ field: 'expected_salary', old, new: next });
        } else if (r < 0.7) {
          const old = this.candCompany[slot] as number;
          const next = rng.int(COMPANIES.length);
          this.candCompany[slot] = next;
          changes.push({ field: 'current_company', old: COMPANIES[old], new: COMPANIES[next] });
        } else {
          const old = this.candLocation[slot] as number;
          const next = rng.int(LOCATIONS.length);
          this.candLocation[slot] = next;
          changes.push({ field: 'location', old: LOCATIONS[old], new: LOCATIONS[next] });
        }
        return this.event(ATS, ms, offset, action, actor, this.candidateTarget(slot), changes, {
          session,
        });
      }
      case 'candidate.stage_change': {
        for (let attempt = 0; attempt < 8; attempt++) {
          const slot = this.recentSlot(cc, this.candNext);
          const stage = this.candStage[slot] as number;
          if (stage >= STAGE_HIRED) continue;
          const r = rng.next();
          const next = r < 0.68 ? stage + 1 : r < 0.94 ? 7 : 8;
          this.candStage[slot] = next;
          const job = this.candJob[slot] as number;
          return this.event(
            ATS,
            ms,
            offset,
            action,
            actor,
            this.candidateTarget(slot),
            [{ field: 'stage', old: STAGES[stage], new: STAGES[next] }],
            {
              session,
              metadata: {
                job_id: `req-${1000 + job}`,
                job_title: (JOBS[job] as { title: string }).title,
              },
            },
          );
        }
        return this.renderAts(p, ms, offset, 'candidate.view', actor, session);
      }
      case 'offer.create':
      case 'offer.update':
      case 'offer.approve': {
        for (let attempt = 0; attempt < 10; attempt++) {
          const slot = this.recentSlot(cc, this.candNext);
          const stage = this.candStage[slot] as number;
          const offer = this.candOffer[slot] as number;
          const cur = CURRENCIES[this.candCurrency[slot] as number] as string;
          const job = JOBS[this.candJob[slot] as number] as { title: string };
          const target: Target = {
            type: 'offer',
            id: `offer-${this.candId[slot]}`,
            label: `Offer — ${this.candidateName(slot)} (${job.title})`,
          };
          const metadata = { candidate_id: `cand-${this.candId[slot]}`, currency: cur };
          if (action === 'offer.create' && stage >= 3 && stage <= STAGE_OFFER && offer === 0) {
            const amount = roundMoney(
              (this.candExpected[slot] as number) * (0.92 + rng.next() * 0.12),
              cur,
            );
            this.candOffer[slot] = amount;
            return this.event(
              ATS,
              ms,
              offset,
              action,
              actor,
              target,
              [
                { field: 'offer_amount', old: null, new: amount },
                { field: 'status', old: null, new: 'draft' },
              ],
              { session, metadata },
            );
          }
          if (action === 'offer.update' && offer > 0 && stage <= STAGE_OFFER) {
            const amount = roundMoney(offer * (1.02 + rng.next() * 0.06), cur);
            this.candOffer[slot] = amount;
            return this.event(
              ATS,
              ms,
              offset,
              action,
              actor,
              target,
              [{ field: 'offer_amount', old: offer, new: amount }],
              {
                session,
                reason: rng.chance(0.5) ? 'Candidate counter-offer' : 'Matched competing offer',
                metadata,
              },
            );
          }
          if (action === 'offer.approve' && offer > 0 && stage <= STAGE_OFFER) {
            return this.event(
              ATS,
              ms,
              offset,
              action,
              actor,
              target,
              [{ field: 'status', old: 'pending_approval', new: 'approved' }],
              { session, metadata: { ...metadata, offer_amount: offer } },
            );
          }
        }
        return this.renderAts(p, ms, offset, 'candidate.view', actor, session);
      }
      case 'candidate.export': {
        const count = 5 + Math.floor(rng.next() * rng.next() * 56);
        const job = JOBS[rng.int(JOBS.length)] as { title: string };
        return this.event(
          ATS,
          ms,
          offset,
          action,
          actor,
          {
            type: 'report',
            id: `cexp-${++this.reportSeq}`,
            label: `Candidates — ${job.title} shortlist`,
          },
          [],
          {
            session,
            metadata: {
              count,
              format: rng.chance(0.7) ? 'csv' : 'xlsx',
              filter: `job: ${job.title}; stage ≥ screening`,
            },
          },
        );
      }
      case 'candidate.note_add':
        return this.event(
          ATS,
          ms,
          offset,
          action,
          actor,
          this.candidateTarget(this.recentSlot(cc, this.candNext)),
          [],
          {
            session,
            metadata: { note_type: rng.pick(['call', 'screening', 'reference_check', 'email']) },
          },
        );
      case 'interview.schedule': {
        const slot = this.recentSlot(cc, this.candNext);
        const local = ms + offset * MINUTE;
        return this.event(ATS, ms, offset, action, actor, this.candidateTarget(slot), [], {
          session,
          metadata: {
            interview_type: rng.pick(['phone', 'video', 'onsite', 'panel']),
            scheduled_for: isoDate(Math.floor(local / DAY) + 1 + rng.int(7)),
          },
        });
      }
      default:
        return this.event(
          ATS,
          ms,
          offset,
          'candidate.view',
          actor,
          this.candidateTarget(this.recentSlot(cc, this.candNext)),
          [],
          { session },
        );
    }
  }

  private renderCrm(
    p: Profile,
    ms: number,
    offset: number,
    action: string,
    actor: Actor,
    session: string,
  ): EventInput {
    const rng = this.rng;
    switch (action) {
      case 'contact.create': {
        const slot = this.conNext;
        this.conNext = (this.conNext + 1) % this.conCap;
        this.newContact(rng, slot, p.department === 'Sales' ? p.index : -1);
        return this.event(
          CRM,
          ms,
          offset,
          action,
          actor,
          this.contactTarget(slot),
          [
            { field: 'email', old: null, new: this.contactEmail(slot) },
            { field: 'company', old: null, new: COMPANIES[this.conCompany[slot] as number] },
            { field: 'title', old: null, new: CONTACT_TITLES[this.conTitle[slot] as number] },
          ],
          { session },
        );
      }
      case 'contact.update': {
        const slot = this.liveContact(p.index);
        const r = rng.next();
        const changes: Change[] = [];
        if (r < 0.45) {
          const old = this.conTitle[slot] as number;
          const next = rng.int(CONTACT_TITLES.length);
          this.conTitle[slot] = next;
          changes.push({ field: 'title', old: CONTACT_TITLES[old], new: CONTACT_TITLES[next] });
        } else if (r < 0.8) {
          const old = this.conPhone[slot] as number;
          const next = rng.int(10000);
          this.conPhone[slot] = next;
          changes.push({ field: 'phone', old: phone('USD', old), new: phone('USD', next) });
        } else {
          const old = this.conCompany[slot] as number;
          const next = rng.int(COMPANIES.length);
          const oldEmail = this.contactEmail(slot, old);
          this.conCompany[slot] = next;
          changes.push(
            { field: 'company', old: COMPANIES[old], new: COMPANIES[next] },
            { field: 'email', old: oldEmail, new: this.contactEmail(slot, next) },
          );
        }
        return this.event(CRM, ms, offset, action, actor, this.contactTarget(slot), changes, {
          session,
        });
      }
      case 'contact.delete': {
        const slot = this.liveContact(p.index);
        const target = this.contactTarget(slot);
        this.conDeleted[slot] = 1;
        return this.event(CRM, ms, offset, action, actor, target, [], {
          session,
          reason: rng.pick([
            'Duplicate record',
            'Left the company',
            'GDPR erasure request',
            'Bounced e-mail',
          ]),
        });
      }
      case 'deal.create':
      case 'deal.update': {
        let slot = this.recentSlot(this.dealCap, this.dealNext);
        const cur = this.dealStage[slot] as number;
        if (action === 'deal.create' || cur >= 4) {
          slot = this.dealNext;
          this.dealNext = (this.dealNext + 1) % this.dealCap;
          this.newDeal(rng, slot, p.department === 'Sales' ? p.index : -1, 0);
          return this.event(
            CRM,
            ms,
            offset,
            'deal.create',
            actor,
            this.dealTarget(slot),
            [
              { field: 'deal_value', old: null, new: this.dealValue[slot] },
              { field: 'stage', old: null, new: DEAL_STAGES[0] },
            ],
            { session, metadata: { currency: 'USD' } },
          );
        }
        const changes: Change[] = [];
        if (rng.chance(0.6)) {
          const next = cur < 3 ? (rng.chance(0.85) ? cur + 1 : 5) : rng.chance(0.6) ? 4 : 5;
          this.dealStage[slot] = next;
          changes.push({ field: 'stage', old: DEAL_STAGES[cur], new: DEAL_STAGES[next] });
        }
        if (changes.length === 0 || rng.chance(0.35)) {
          const old = this.dealValue[slot] as number;
          const next = roundMoney(old * (0.8 + rng.next() * 0.45), 'USD');
          this.dealValue[slot] = next;
          changes.push({ field: 'deal_value', old, new: next });
        }
        return this.event(CRM, ms, offset, action, actor, this.dealTarget(slot), changes, {
          session,
          metadata: { currency: 'USD' },
        });
      }
      case 'deal.view':
        return this.event(
          CRM,
          ms,
          offset,
          action,
          actor,
          this.dealTarget(this.recentSlot(this.dealCap, this.dealNext)),
          [],
          { session },
        );
      case 'activity.log':
        return this.event(
          CRM,
          ms,
          offset,
          action,
          actor,
          this.contactTarget(this.liveContact(p.index)),
          [],
          {
            session,
            metadata: {
              activity: rng.pick(['call', 'email', 'meeting', 'call', 'email']),
              duration_minutes: 5 + rng.int(40),
            },
          },
        );
      case 'contact.export': {
        const count = 10 + Math.floor(rng.next() * rng.next() * 140);
        return this.event(
          CRM,
          ms,
          offset,
          action,
          actor,
          { type: 'report', id: `crmexp-${++this.reportSeq}`, label: 'Contacts — my accounts' },
          [],
          {
            session,
            metadata: { count, format: 'csv', filter: `owner: ${p.email}` },
          },
        );
      }
      default:
        return this.event(
          CRM,
          ms,
          offset,
          'contact.view',
          actor,
          this.contactTarget(this.liveContact()),
          [],
          { session },
        );
    }
  }

  private dealTarget(slot: number): Target {
    return {
      type: 'deal',
      id: `deal-${this.dealId[slot]}`,
      label: `${COMPANIES[this.dealCompany[slot] as number]} — staffing agreement`,
    };
  }

  private salaryChange(e: number, factor: number): Change {
    const old = this.empSalary[e] as number;
    const next = roundMoney(old * factor, this.currencyOf(e));
    this.empSalary[e] = next;
    return { field: 'salary', old, new: next };
  }

  private renderHris(
    p: Profile,
    ms: number,
    offset: number,
    action: string,
    actor: Actor,
    session: string,
  ): EventInput {
    const rng = this.rng;
    switch (action) {
      case 'employee.salary': {
        const e = this.otherEmployee(p.index);
        // Raises of a few percent, pulled back towards ~15% above the starting salary, so that
        // salaries stay plausible however many changes a long run makes.
        const drift = clamp(
          0.035 - 0.25 * Math.log((this.empSalary[e] as number) / (this.empBase[e] as number)),
          -0.04,
          0.12,
        );
        const factor = 1 + drift + rng.normal() * 0.01;
        const r = rng.next();
        const reasonIndex = factor < 1 ? 4 : factor > 1.07 ? 1 : r < 0.65 ? 0 : r < 0.85 ? 2 : 3;
        return this.event(
          HRIS,
          ms,
          offset,
          'employee.update',
          actor,
          this.employeeTarget(e),
          [this.salaryChange(e, factor)],
          {
            session,
            reason: SALARY_REASONS[reasonIndex] as string,
            metadata: { currency: this.currencyOf(e) },
          },
        );
      }
      case 'employee.bank': {
        const e = this.otherEmployee(p.index);
        const cur = this.currencyOf(e);
        const old = bankMask(cur, this.empBankCheck[e] as number, this.empBank[e] as number);
        this.empBank[e] = rng.int(10000);
        this.empBankCheck[e] = rng.int(256);
        return this.event(
          HRIS,
          ms,
          offset,
          'employee.update',
          actor,
          this.employeeTarget(e),
          [
            {
              field: 'bank_account',
              old,
              new: bankMask(cur, this.empBankCheck[e] as number, this.empBank[e] as number),
            },
          ],
          {
            session,
            reason: `Employee request (ticket HR-${4000 + rng.int(6000)})`,
          },
        );
      }
      case 'employee.update': {
        const e = this.otherEmployee(p.index);
        const changes: Change[] = [];
        const r = rng.next();
        const contractor = e >= this.nStaff;
        if (contractor && r < 0.2) {
          const old = this.empJob[e] as number;
          const next = rng.int(JOBS.length);
          this.empJob[e] = next;
          changes.push({
            field: 'title',
            old: (JOBS[old] as { title: string }).title,
            new: (JOBS[next] as { title: string }).title,
          });
        } else if (contractor && r < 0.4) {
          const old = this.empManager[e] as number;
          const next = rng.pick(this.contractOwners);
          this.empManager[e] = next;
          changes.push({
            field: 'manager_id',
            old: old >= 0 ? (this.people[old] as Profile).id : null,
            new: (this.people[next] as Profile).id,
          });
        } else if (contractor && r < 0.55) {
          const old = this.empDept[e] as number;
          const next = rng.int(CONTRACT_DEPARTMENTS.length);
          this.empDept[e] = next;
          changes.push({
            field: 'department',
            old: CONTRACT_DEPARTMENTS[old],
            new: CONTRACT_DEPARTMENTS[next],
          });
        } else if (r < 0.75) {
          const old = this.empLocation[e] as number;
          const next = (old + 1 + rng.int(2)) % 3;
          this.empLocation[e] = next;
          changes.push({
            field: 'work_location',
            old: WORK_LOCATIONS[old],
            new: WORK_LOCATIONS[next],
          });
        } else {
          const cur = this.currencyOf(e);
          const old = this.empPhone[e] as number;
          const next = rng.int(10000);
          this.empPhone[e] = next;
          changes.push({ field: 'phone', old: phone(cur, old), new: phone(cur, next) });
        }
        return this.event(HRIS, ms, offset, action, actor, this.employeeTarget(e), changes, {
          session,
        });
      }
      case 'time_off.approve': {
        const e = this.otherEmployee(p.index);
        const days = 1 + rng.int(5);
        return this.event(
          HRIS,
          ms,
          offset,
          action,
          actor,
          {
            type: 'time_off_request',
            id: `pto-${++this.ptoSeq}`,
            label: `${this.employeeName(e)} — ${days} day${days > 1 ? 's' : ''}`,
          },
          [{ field: 'status', old: 'pending', new: 'approved' }],
          {
            session,
            metadata: { employee_id: this.employeeId(e), days },
          },
        );
      }
      case 'permission.grant': {
        const pick = rng.int(this.people.length - 1);
        const target = this.people[pick >= p.index ? pick + 1 : pick] as Profile;
        const old = this.hrisPermission[target.index] as number;
        const next = (old + 1 + rng.int(HRIS_PERMISSIONS.length - 1)) % HRIS_PERMISSIONS.length;
        this.hrisPermission[target.index] = next;
        return this.event(
          HRIS,
          ms,
          offset,
          action,
          actor,
          this.employeeTarget(target.index),
          [{ field: 'permission', old: HRIS_PERMISSIONS[old], new: HRIS_PERMISSIONS[next] }],
          {
            session,
            reason: `Access request ITSD-${10000 + rng.int(90000)}`,
            metadata: { module: 'hris' },
          },
        );
      }
      default:
        return this.event(
          HRIS,
          ms,
          offset,
          'employee.view',
          actor,
          this.employeeTarget(this.otherEmployee(-1)),
          [],
          { session },
        );
    }
  }

  private renderIdentity(
    p: Profile,
    ms: number,
    offset: number,
    action: string,
    actor: Actor,
    session: string,
  ): EventInput {
    const rng = this.rng;
    const self = this.userTarget(p);
    switch (action) {
      case 'user.login':
        return this.event(IDENTITY, ms, offset, action, actor, self, [], {
          session,
          metadata: { method: rng.chance(0.8) ? 'sso' : 'password' },
        });
      case 'user.mfa_challenge': {
        const ok = rng.chance(0.985);
        return this.event(IDENTITY, ms, offset, action, actor, self, [], {
          outcome: ok ? 'success' : 'failure',
          session,
          metadata: {
            factor: rng.pick(['push', 'push', 'totp', 'webauthn']),
            ...(ok ? {} : { reason: 'timeout' }),
          },
        });
      }
      case 'user.login_failed':
        return this.event(IDENTITY, ms, offset, action, actor, self, [], {
          outcome: 'failure',
          metadata: { reason: 'invalid_password', username: p.email },
        });
      case 'user.password_change':
        return this.event(IDENTITY, ms, offset, action, actor, self, [], {
          session,
          metadata: { method: 'self_service' },
        });
      case 'role.assign': {
        let target = this.people[rng.int(this.people.length)] as Profile;
        if (!this.assignable(target, p, ms))
          target = this.people[(target.index + 7) % this.people.length] as Profile;
        if (!this.assignable(target, p, ms))
          return this.renderIdentity(p, ms, offset, 'user.login', actor, session);
        const app = rng.int(APPS.length);
        const k = target.index * APPS.length + app;
        const old = this.appRole[k] as number;
        const next = (old + 1 + rng.int(APP_ROLES.length - 1)) % APP_ROLES.length;
        this.appRole[k] = next;
        return this.event(
          IDENTITY,
          ms,
          offset,
          action,
          actor,
          this.userTarget(target),
          [{ field: 'role', old: APP_ROLES[old], new: APP_ROLES[next] }],
          {
            session,
            reason: `Access request ITSD-${10000 + rng.int(90000)}`,
            metadata: { application: APPS[app] },
          },
        );
      }
      case 'group.member_add':
      case 'group.member_remove': {
        let target = this.people[rng.int(this.people.length)] as Profile;
        if (!this.assignable(target, p, ms))
          target = this.people[(target.index + 11) % this.people.length] as Profile;
        if (!this.assignable(target, p, ms))
          return this.renderIdentity(p, ms, offset, 'user.login', actor, session);
        const g = rng.int(GROUPS.length);
        const k = target.index * GROUPS.length + g;
        const add = this.groupMember[k] === 0;
        this.groupMember[k] = add ? 1 : 0;
        const group = GROUPS[g] as { id: string; label: string };
        return this.event(
          IDENTITY,
          ms,
          offset,
          add ? 'group.member_add' : 'group.member_remove',
          actor,
          { type: 'group', id: group.id, label: group.label },
          [{ field: 'members', old: add ? null : target.email, new: add ? target.email : null }],
          {
            session,
            metadata: { member_id: target.id },
          },
        );
      }
      default:
        return this.event(IDENTITY, ms, offset, 'user.logout', actor, self, [], { session });
    }
  }

  /** Someone an admin may change the access of: another non-admin whose account is in use. */
  private assignable(target: Profile, admin: Profile, ms: number): boolean {
    const a = this.plan.availability[target.index];
    return target.index !== admin.index && !target.isAdmin && a !== undefined && ms < a.activeUntil;
  }

  private renderService(ms: number, source: number, service: number): EventInput {
    const def = SERVICES[service] as (typeof SERVICES)[number];
    const actor: Actor = {
      id: def.id,
      name: def.name,
      email: null,
      type: 'service',
      ip: def.ip,
      user_agent: def.userAgent,
      time_zone: null,
    };
    const rng = this.rng;
    if (source === ATS) {
      const slot = this.candNext;
      this.candNext = (this.candNext + 1) % this.candCap;
      this.newCandidate(rng, slot, 0);
      const job = this.candJob[slot] as number;
      return this.event(
        ATS,
        ms,
        null,
        'candidate.create',
        actor,
        this.candidateTarget(slot),
        [
          { field: 'name', old: null, new: this.candidateName(slot) },
          { field: 'stage', old: null, new: 'applied' },
          { field: 'job_id', old: null, new: `req-${1000 + job}` },
        ],
        {
          metadata: {
            source: rng.pick(CANDIDATE_SOURCES),
            job_title: (JOBS[job] as { title: string }).title,
          },
        },
      );
    }
    // The nightly payroll sync accrues (or books) paid time off.
    const e = this.rng.int(this.nEmp);
    const old = this.empPto[e] as number;
    const next = rng.chance(0.85) ? old + 1 + rng.int(2) : Math.max(0, old - 8 * (1 + rng.int(3)));
    this.empPto[e] = next;
    return this.event(
      HRIS,
      ms,
      null,
      'employee.update',
      actor,
      this.employeeTarget(e),
      [{ field: 'pto_balance_hours', old, new: next }],
      {
        metadata: { job: 'nightly-payroll-sync', run_id: `sync-${isoDate(Math.floor(ms / DAY))}` },
      },
    );
  }

  private renderPlanted(e: Planted): EventInput {
    const rng = this.rng;
    const p = e.actor >= 0 ? (this.people[e.actor] as Profile) : null;
    const target = e.target >= 0 ? (this.people[e.target] as Profile) : null;
    const offset = p ? this.plan.clock.offset(p.timeZone, e.ms) : null;
    const localDay = offset === null ? 0 : Math.floor((e.ms + offset * MINUTE) / DAY);
    const actorAt = (kind: TimeKind) => (p ? this.actorFor(p, kind, localDay) : null);
    const ms = e.ms;
    switch (e.render) {
      case 'offhours_login': {
        const actor = { ...(actorAt(OFF_HOURS) as Actor), ip: p!.homeIp, user_agent: p!.userAgent };
        return this.event(IDENTITY, ms, offset, 'user.login', actor, this.userTarget(p!), [], {
          session: `ses_${hash32(this.seed, 0xbad).toString(36)}`,
          metadata: { method: 'password' },
        });
      }
      case 'offhours_salary': {
        const actor = { ...(actorAt(OFF_HOURS) as Actor), ip: p!.homeIp, user_agent: p!.userAgent };
        const factor = 1.18 + rng.next() * 0.17;
        return this.event(
          HRIS,
          ms,
          offset,
          'employee.update',
          actor,
          this.employeeTarget(e.target),
          [this.salaryChange(e.target, factor)],
          {
            session: `ses_${hash32(this.seed, 0xbad).toString(36)}`,
            metadata: { currency: this.currencyOf(e.target) },
          },
        );
      }
      case 'export': {
        const from = e.part * EXPORT_ROWS + 1;
        const to = (e.part + 1) * EXPORT_ROWS;
        return this.event(
          ATS,
          ms,
          offset,
          'candidate.export',
          actorAt(WORK) as Actor,
          {
            type: 'report',
            id: `cexp-${++this.reportSeq}`,
            label: `All candidates — rows ${from}–${to}`,
          },
          [],
          {
            session: this.sessionId(p!, localDay, WORK),
            metadata: {
              count: EXPORT_ROWS,
              format: 'csv',
              filter: 'all candidates (no filter)',
              rows: `${from}-${to}`,
              part: e.part + 1,
              parts: e.parts,
            },
          },
        );
      }
      case 'status_change': {
        const leaver = target!;
        const lastDay = this.plan.planted.find((x) => x.render === 'mass_delete');
        const lastLocal = lastDay
          ? Math.floor(
              (lastDay.ms + this.plan.clock.offset(leaver.timeZone, lastDay.ms) * MINUTE) / DAY,
            )
          : localDay + 14;
        return this.event(
          HRIS,
          ms,
          offset,
          'employee.update',
          actorAt(WORK) as Actor,
          this.employeeTarget(leaver.index),
          [
            { field: 'status', old: 'active', new: 'notice_period' },
            { field: 'termination_date', old: null, new: isoDate(lastLocal) },
          ],
          { session: this.sessionId(p!, localDay, WORK), reason: 'Resignation received' },
        );
      }
      case 'mass_delete': {
        if (!this.deleteQueue) {
          const own: number[] = [];
          const others: number[] = [];
          for (let slot = 0; slot < this.conCap; slot++) {
            if (this.conDeleted[slot]) continue;
            (this.conOwner[slot] === e.actor ? own : others).push(slot);
          }
          this.deleteQueue = [...own, ...others];
          this.deleteCursor = 0;
        }
        let slot = this.deleteQueue[this.deleteCursor++] ?? 0;
        while (this.conDeleted[slot] && this.deleteCursor < this.deleteQueue.length)
          slot = this.deleteQueue[this.deleteCursor++] as number;
        const t = this.contactTarget(slot);
        const owner = this.people[this.conOwner[slot] as number] as Profile;
        this.conDeleted[slot] = 1;
        return this.event(CRM, ms, offset, 'contact.delete', actorAt(WORK) as Actor, t, [], {
          session: this.sessionId(p!, localDay, WORK),
          metadata: { owner_id: owner.id, company: COMPANIES[this.conCompany[slot] as number] },
        });
      }
      case 'deactivate':
        return this.event(
          IDENTITY,
          ms,
          offset,
          'user.deactivate',
          actorAt(WORK) as Actor,
          this.userTarget(target!),
          [{ field: 'status', old: 'active', new: 'deactivated' }],
          {
            session: this.sessionId(p!, localDay, WORK),
            reason: 'Leaver: last working day completed',
          },
        );
      case 'spray': {
        const actor: Actor = {
          id: null,
          name: null,
          email: null,
          type: 'anonymous',
          ip: SPRAY_IP,
          user_agent: SPRAY_USER_AGENT,
          time_zone: null,
        };
        return this.event(
          IDENTITY,
          ms,
          null,
          'user.login_failed',
          actor,
          this.userTarget(target!),
          [],
          {
            outcome: 'failure',
            metadata: { reason: 'invalid_password', username: target!.email },
          },
        );
      }
      case 'grant_role': {
        const old = this.directoryRole[target!.index] as string;
        this.directoryRole[target!.index] = 'admin';
        return this.event(
          IDENTITY,
          ms,
          offset,
          'role.assign',
          actorAt(WORK) as Actor,
          this.userTarget(target!),
          [{ field: 'role', old, new: 'admin' }],
          {
            session: this.sessionId(p!, localDay, WORK),
            metadata: { application: 'directory' },
          },
        );
      }
      case 'grant_group':
        return this.event(
          IDENTITY,
          ms,
          offset,
          'group.member_add',
          actorAt(WORK) as Actor,
          { type: 'group', id: ADMIN_GROUP.id, label: ADMIN_GROUP.label },
          [{ field: 'members', old: null, new: target!.email }],
          {
            session: this.sessionId(p!, localDay, WORK),
            metadata: { member_id: target!.id },
          },
        );
      case 'self_raise':
        return this.event(
          HRIS,
          ms,
          offset,
          'employee.update',
          actorAt(WORK) as Actor,
          this.employeeTarget(p!.index),
          [this.salaryChange(p!.index, 1.25)],
          {
            session: this.sessionId(p!, localDay, WORK),
            reason: 'Market adjustment',
            metadata: { currency: this.currencyOf(p!.index) },
          },
        );
      case 'dormant_prior_login':
        return this.event(
          IDENTITY,
          ms,
          offset,
          'user.login',
          actorAt(WORK) as Actor,
          this.userTarget(p!),
          [],
          { session: this.sessionId(p!, localDay, WORK), metadata: { method: 'sso' } },
        );
      case 'dormant_prior_view':
        return this.event(
          ATS,
          ms,
          offset,
          'candidate.view',
          actorAt(WORK) as Actor,
          this.candidateTarget(this.recentSlot(this.candCap, this.candNext)),
          [],
          { session: this.sessionId(p!, localDay, WORK) },
        );
      case 'dormant_prior_logout':
        return this.event(
          IDENTITY,
          ms,
          offset,
          'user.logout',
          actorAt(WORK) as Actor,
          this.userTarget(p!),
          [],
          { session: this.sessionId(p!, localDay, WORK) },
        );
      default: {
        // The dormant account's return: a new address and browser, one session.
        const actor: Actor = {
          ...(actorAt(WORK) as Actor),
          ip: DORMANT_IP,
          user_agent: DORMANT_USER_AGENT,
        };
        const session = `ses_${hash32(this.seed, 0xd0e).toString(36)}`;
        if (e.render === 'dormant_login')
          return this.event(IDENTITY, ms, offset, 'user.login', actor, this.userTarget(p!), [], {
            session,
            metadata: { method: 'password' },
          });
        if (e.render === 'dormant_mfa')
          return this.event(
            IDENTITY,
            ms,
            offset,
            'user.mfa_challenge',
            actor,
            this.userTarget(p!),
            [],
            { session, metadata: { factor: 'totp' } },
          );
        if (e.render === 'dormant_view_crm')
          return this.event(
            CRM,
            ms,
            offset,
            'contact.view',
            actor,
            this.contactTarget(this.liveContact()),
            [],
            { session },
          );
        return this.event(
          ATS,
          ms,
          offset,
          'candidate.view',
          actor,
          this.candidateTarget(this.recentSlot(this.candCap, this.candNext)),
          [],
          { session },
        );
      }
    }
  }
}

function findCum(cum: number[], value: number): number {
  for (let i = 0; i < cum.length; i++) if ((cum[i] as number) > value) return i;
  return cum.length - 1;
}
