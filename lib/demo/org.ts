/**
 * The demo organisation: "Ridgeway Talent", a recruiting and HR services company with 60 staff
 * in six offices, plus the reference data its systems hold (name pools, client companies, job
 * titles). The roster's structure is fixed; the names are drawn from the seed.
 */
import { Rng } from './random';

export const COMPANY_DOMAIN = 'ridgeway-talent.example';

export const DEPARTMENTS = [
  'Management',
  'Recruiting',
  'Sales',
  'HR',
  'Finance',
  'Engineering & IT',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export type Region = 'us' | 'uk' | 'de' | 'in' | 'au';

export type Office = {
  code: string;
  city: string;
  timeZone: string;
  region: Region;
  currency: string;
  /** Office NAT addresses (192.0.2.0/24, RFC 5737). */
  ips: string[];
};

// prettier-ignore
export const OFFICES: Record<string, Office> = {
  NYC: { code: 'NYC', city: 'New York', timeZone: 'America/New_York', region: 'us', currency: 'USD', ips: ['192.0.2.11', '192.0.2.12'] },
  LAX: { code: 'LAX', city: 'Los Angeles', timeZone: 'America/Los_Angeles', region: 'us', currency: 'USD', ips: ['192.0.2.21'] },
  LON: { code: 'LON', city: 'London', timeZone: 'Europe/London', region: 'uk', currency: 'GBP', ips: ['192.0.2.31', '192.0.2.32'] },
  BER: { code: 'BER', city: 'Berlin', timeZone: 'Europe/Berlin', region: 'de', currency: 'EUR', ips: ['192.0.2.41'] },
  BLR: { code: 'BLR', city: 'Bengaluru', timeZone: 'Asia/Kolkata', region: 'in', currency: 'INR', ips: ['192.0.2.51', '192.0.2.52'] },
  SYD: { code: 'SYD', city: 'Sydney', timeZone: 'Australia/Sydney', region: 'au', currency: 'AUD', ips: ['192.0.2.61'] },
};

/** Corporate VPN egress addresses (203.0.113.0/24, RFC 5737). */
export const VPN_IPS = ['203.0.113.10', '203.0.113.11', '203.0.113.12'];

/** The part each person plays in the planted incidents (null: an ordinary employee). */
export type IncidentRole =
  | 'offhours_salary_editor'
  | 'exporter'
  | 'departing'
  | 'privilege_granter'
  | 'privilege_grantee'
  | 'self_raiser'
  | 'dormant'
  | 'status_editor'
  | 'deactivator'
  | null;

type Template = {
  department: Department;
  title: string;
  office: keyof typeof OFFICES;
  start: number;
  end: number;
  role?: 'admin' | 'manager' | 'member';
  manager: number | null; // index into the roster
  lateWorker?: boolean;
  workDays?: number[];
  incident?: IncidentRole;
  /** Base annual salary in the office currency. */
  salary: number;
};

const WEEKDAYS = [1, 2, 3, 4, 5];

// Index comments make the manager references readable.
// prettier-ignore
const ROSTER: Template[] = [
  /* 0 */ { department: 'Management', title: 'Chief Executive Officer', office: 'NYC', start: 8, end: 18, role: 'manager', manager: null, salary: 285000 },
  /* 1 */ { department: 'Management', title: 'Chief Operating Officer', office: 'LON', start: 8, end: 17, role: 'manager', manager: 0, salary: 190000 },
  /* 2 */ { department: 'Management', title: 'Chief Financial Officer', office: 'NYC', start: 8, end: 17, role: 'manager', manager: 0, salary: 240000 },
  /* 3 */ { department: 'Management', title: 'VP Talent Acquisition', office: 'LAX', start: 8, end: 17, role: 'manager', manager: 0, salary: 210000 },
  /* 4 */ { department: 'Recruiting', title: 'Head of Recruiting', office: 'NYC', start: 9, end: 17, role: 'manager', manager: 3, salary: 165000 },
  /* 5 */ { department: 'Recruiting', title: 'Recruiting Manager', office: 'LON', start: 9, end: 17, role: 'manager', manager: 4, salary: 78000 },
  /* 6 */ { department: 'Recruiting', title: 'Recruiting Manager', office: 'SYD', start: 8, end: 16, role: 'manager', manager: 4, salary: 145000 },
  /* 7 */ { department: 'Recruiting', title: 'Senior Recruiter', office: 'NYC', start: 9, end: 17, manager: 4, salary: 105000 },
  /* 8 */ { department: 'Recruiting', title: 'Senior Recruiter', office: 'LON', start: 9, end: 17, manager: 5, incident: 'exporter', salary: 58000 },
  /* 9 */ { department: 'Recruiting', title: 'Senior Recruiter', office: 'LAX', start: 8, end: 16, manager: 4, salary: 108000 },
  /* 10 */ { department: 'Recruiting', title: 'Senior Recruiter', office: 'BER', start: 9, end: 17, manager: 5, salary: 68000 },
  /* 11 */ { department: 'Recruiting', title: 'Recruiter', office: 'NYC', start: 9, end: 17, manager: 4, salary: 78000 },
  /* 12 */ { department: 'Recruiting', title: 'Recruiter', office: 'NYC', start: 10, end: 18, manager: 4, salary: 76000 },
  /* 13 */ { department: 'Recruiting', title: 'Recruiter', office: 'LAX', start: 9, end: 17, manager: 4, salary: 80000 },
  /* 14 */ { department: 'Recruiting', title: 'Recruiter', office: 'LON', start: 8, end: 16, manager: 5, salary: 42000 },
  /* 15 */ { department: 'Recruiting', title: 'Recruiter', office: 'BER', start: 8, end: 16, manager: 5, salary: 52000 },
  /* 16 */ { department: 'Recruiting', title: 'Recruiter', office: 'SYD', start: 9, end: 17, manager: 6, lateWorker: true, salary: 92000 },
  /* 17 */ { department: 'Recruiting', title: 'Recruiter', office: 'SYD', start: 8, end: 16, manager: 6, salary: 88000 },
  /* 18 */ { department: 'Recruiting', title: 'Sourcer', office: 'BLR', start: 10, end: 18, manager: 4, salary: 950000 },
  /* 19 */ { department: 'Recruiting', title: 'Sourcer', office: 'BLR', start: 10, end: 18, manager: 4, salary: 880000 },
  /* 20 */ { department: 'Recruiting', title: 'Sourcer', office: 'BLR', start: 9, end: 17, manager: 4, salary: 1020000 },
  /* 21 */ { department: 'Recruiting', title: 'Recruiting Coordinator', office: 'NYC', start: 8, end: 16, manager: 4, salary: 62000 },
  /* 22 */ { department: 'Recruiting', title: 'Recruiting Coordinator', office: 'LON', start: 9, end: 17, manager: 5, incident: 'dormant', salary: 34000 },
  /* 23 */ { department: 'Recruiting', title: 'Recruiting Coordinator', office: 'SYD', start: 9, end: 17, manager: 6, workDays: [1, 2, 3, 4], salary: 72000 },
  /* 24 */ { department: 'Sales', title: 'Head of Sales', office: 'NYC', start: 8, end: 17, role: 'manager', manager: 0, salary: 175000 },
  /* 25 */ { department: 'Sales', title: 'Account Executive', office: 'NYC', start: 9, end: 17, manager: 24, salary: 95000 },
  /* 26 */ { department: 'Sales', title: 'Account Executive', office: 'LAX', start: 9, end: 17, manager: 24, lateWorker: true, salary: 98000 },
  /* 27 */ { department: 'Sales', title: 'Account Executive', office: 'LON', start: 9, end: 17, manager: 24, salary: 62000 },
  /* 28 */ { department: 'Sales', title: 'Account Executive', office: 'BER', start: 9, end: 17, manager: 24, salary: 70000 },
  /* 29 */ { department: 'Sales', title: 'Senior Account Manager', office: 'LAX', start: 8, end: 16, manager: 24, incident: 'departing', salary: 118000 },
  /* 30 */ { department: 'Sales', title: 'Account Manager', office: 'NYC', start: 9, end: 17, manager: 24, salary: 88000 },
  /* 31 */ { department: 'Sales', title: 'Account Manager', office: 'LON', start: 9, end: 17, manager: 24, salary: 55000 },
  /* 32 */ { department: 'Sales', title: 'Account Manager', office: 'SYD', start: 8, end: 16, manager: 24, salary: 110000 },
  /* 33 */ { department: 'Sales', title: 'Sales Development Representative', office: 'NYC', start: 9, end: 17, manager: 24, salary: 64000 },
  /* 34 */ { department: 'Sales', title: 'Sales Development Representative', office: 'LON', start: 8, end: 16, manager: 24, incident: 'privilege_grantee', salary: 36000 },
  /* 35 */ { department: 'Sales', title: 'Sales Development Representative', office: 'BLR', start: 13, end: 21, manager: 24, salary: 780000 },
  /* 36 */ { department: 'HR', title: 'HR Director', office: 'LON', start: 9, end: 17, role: 'manager', manager: 1, salary: 98000 },
  /* 37 */ { department: 'HR', title: 'HR Manager', office: 'NYC', start: 9, end: 17, role: 'manager', manager: 36, incident: 'self_raiser', salary: 112000 },
  /* 38 */ { department: 'HR', title: 'HR Business Partner', office: 'BER', start: 9, end: 17, manager: 36, salary: 74000 },
  /* 39 */ { department: 'HR', title: 'HR Business Partner', office: 'SYD', start: 9, end: 17, manager: 36, salary: 118000 },
  /* 40 */ { department: 'HR', title: 'HR Generalist', office: 'NYC', start: 8, end: 16, manager: 37, incident: 'status_editor', salary: 72000 },
  /* 41 */ { department: 'HR', title: 'HR Generalist', office: 'BLR', start: 9, end: 17, manager: 36, salary: 1150000 },
  /* 42 */ { department: 'HR', title: 'HR Coordinator', office: 'LAX', start: 9, end: 17, manager: 37, salary: 61000 },
  /* 43 */ { department: 'HR', title: 'People Operations Specialist', office: 'LON', start: 9, end: 17, manager: 36, salary: 44000 },
  /* 44 */ { department: 'Finance', title: 'Financial Controller', office: 'BER', start: 8, end: 16, role: 'manager', manager: 2, salary: 96000 },
  /* 45 */ { department: 'Finance', title: 'Payroll Specialist', office: 'NYC', start: 8, end: 16, manager: 2, incident: 'offhours_salary_editor', salary: 74000 },
  /* 46 */ { department: 'Finance', title: 'Payroll Specialist', office: 'LON', start: 8, end: 16, manager: 44, salary: 41000 },
  /* 47 */ { department: 'Finance', title: 'Accountant', office: 'BLR', start: 9, end: 17, manager: 44, salary: 1250000 },
  /* 48 */ { department: 'Finance', title: 'Accounts Receivable Specialist', office: 'NYC', start: 9, end: 17, manager: 2, salary: 66000 },
  /* 49 */ { department: 'Finance', title: 'Billing Analyst', office: 'SYD', start: 9, end: 17, manager: 44, salary: 98000 },
  /* 50 */ { department: 'Engineering & IT', title: 'IT Manager', office: 'LON', start: 8, end: 16, role: 'admin', manager: 1, incident: 'deactivator', salary: 82000 },
  /* 51 */ { department: 'Engineering & IT', title: 'Systems Administrator', office: 'NYC', start: 8, end: 16, role: 'admin', manager: 50, salary: 112000 },
  /* 52 */ { department: 'Engineering & IT', title: 'Systems Administrator', office: 'BLR', start: 9, end: 17, role: 'admin', manager: 50, salary: 1850000 },
  /* 53 */ { department: 'Engineering & IT', title: 'IT Support Specialist', office: 'LON', start: 9, end: 17, manager: 50, incident: 'privilege_granter', salary: 38000 },
  /* 54 */ { department: 'Engineering & IT', title: 'IT Support Specialist', office: 'SYD', start: 8, end: 16, manager: 50, salary: 82000 },
  /* 55 */ { department: 'Engineering & IT', title: 'Senior Software Engineer', office: 'BER', start: 10, end: 18, manager: 50, lateWorker: true, salary: 92000 },
  /* 56 */ { department: 'Engineering & IT', title: 'Software Engineer', office: 'BER', start: 9, end: 17, manager: 50, salary: 72000 },
  /* 57 */ { department: 'Engineering & IT', title: 'Software Engineer', office: 'BLR', start: 10, end: 18, manager: 50, salary: 2100000 },
  /* 58 */ { department: 'Engineering & IT', title: 'Data Analyst', office: 'NYC', start: 9, end: 17, manager: 50, salary: 98000 },
  /* 59 */ { department: 'Engineering & IT', title: 'Security Engineer', office: 'LAX', start: 9, end: 17, manager: 50, salary: 142000 },
];

// prettier-ignore
export const FIRST_NAMES: Record<Region, string[]> = {
  us: ['James', 'Maria', 'Michael', 'Jennifer', 'David', 'Linda', 'Robert', 'Patricia', 'Daniel', 'Jessica', 'Marcus',
    'Ashley', 'Brandon', 'Tiffany', 'Kevin', 'Vanessa', 'Tyler', 'Brianna', 'Jordan', 'Alexis', 'Luis', 'Camila', 'Andre',
    'Keisha', 'Ethan', 'Madison', 'Carlos', 'Rachel', 'Derek', 'Naomi'],
  uk: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Jack', 'Emily', 'Charlie', 'Sophie', 'Thomas', 'Grace', 'Oscar',
    'Freya', 'William', 'Poppy', 'Alfie', 'Imogen', 'Rhys', 'Niamh', 'Callum', 'Eleanor', 'Hamish', 'Zara', 'Kwame', 'Aisha'],
  de: ['Lukas', 'Anna', 'Felix', 'Lea', 'Jonas', 'Lena', 'Maximilian', 'Hannah', 'Paul', 'Marie', 'Leon', 'Johanna', 'Moritz',
    'Clara', 'Tobias', 'Katharina', 'Florian', 'Sophie', 'Niklas', 'Julia', 'Emre', 'Elif'],
  in: ['Aarav', 'Priya', 'Rohan', 'Ananya', 'Vikram', 'Diya', 'Arjun', 'Kavya', 'Rahul', 'Sneha', 'Karthik', 'Meera', 'Aditya',
    'Ishita', 'Siddharth', 'Pooja', 'Nikhil', 'Lakshmi', 'Varun', 'Divya'],
  au: ['Jack', 'Charlotte', 'Noah', 'Mia', 'Liam', 'Olivia', 'Cooper', 'Matilda', 'Lachlan', 'Ruby', 'Hudson', 'Chloe',
    'Riley', 'Georgia', 'Mitchell', 'Sienna', 'Minh', 'Linh', 'Declan', 'Tahlia'],
};

// prettier-ignore
export const LAST_NAMES: Record<Region, string[]> = {
  us: ['Smith', 'Johnson', 'Garcia', 'Williams', 'Brown', 'Martinez', 'Davis', 'Rodriguez', 'Miller', 'Wilson', 'Anderson',
    'Thomas', 'Jackson', 'Lee', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Hernandez',
    'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Baker', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Chen',
    'Kim', 'Patel', 'Ortiz'],
  uk: ['Taylor', 'Evans', 'Wright', 'Thompson', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Harris', 'Clarke', 'Turner',
    'Cooper', 'Hill', 'Ward', 'Morris', 'Bennett', 'Patel', 'Khan', 'Murphy', 'Price', 'Shaw', 'Fletcher', 'MacDonald',
    'Okafor', 'Ahmed', 'Begum', 'Doyle'],
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch',
    'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Krüger', 'Hartmann', 'Lange',
    'Yilmaz', 'Kaya'],
  in: ['Sharma', 'Iyer', 'Patel', 'Reddy', 'Nair', 'Gupta', 'Menon', 'Rao', 'Singh', 'Kumar', 'Das', 'Joshi', 'Verma',
    'Pillai', 'Krishnan', 'Banerjee', 'Mehta', 'Kulkarni', 'Chatterjee', 'Hegde'],
  au: ['Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Nguyen', 'Johnson', 'Martin', 'White', 'Anderson', 'Walker',
    'Thompson', 'Kelly', 'Ryan', 'Campbell', 'Tran', 'Murray', "O'Brien", 'Stewart', 'Lim', 'Kennedy'],
};

export const ALL_FIRST_NAMES = [...new Set(Object.values(FIRST_NAMES).flat())];
export const ALL_LAST_NAMES = [...new Set(Object.values(LAST_NAMES).flat())];

/** Lower-case ASCII for e-mail addresses: Müller → mueller, O'Brien → obrien. */
export function emailPart(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
}

// prettier-ignore
const COMPANY_STEMS = [
  'Acme', 'Northwind', 'Bluefin', 'Cedar', 'Harbor', 'Summit', 'Ironbridge', 'Lumen', 'Keystone', 'Silverline', 'Redwood',
  'Brightwater', 'Oakridge', 'Meridian', 'Granite', 'Pioneer', 'Crescent', 'Falcon', 'Evergreen', 'Atlas', 'Copperleaf',
  'Westbrook', 'Nimbus', 'Sterling', 'Horizon', 'Tidewater', 'Everest', 'Juniper', 'Maple', 'Orion',
];
// prettier-ignore
const COMPANY_KINDS = [
  'Logistics', 'Health', 'Systems', 'Foods', 'Manufacturing', 'Financial', 'Retail', 'Energy', 'Labs', 'Hospitality',
  'Construction', 'Analytics', 'Pharma', 'Freight', 'Insurance', 'Software',
];
// prettier-ignore
const COMPANY_SUFFIXES = [
  'Inc.', 'Ltd', 'GmbH', 'Pty Ltd', 'LLC', 'plc', 'Group', 'Pvt Ltd',
];

/** Client companies of the CRM (and employers of candidates): deterministic, ~400 names. */
export const COMPANIES: string[] = (() => {
  const out: string[] = [];
  for (let i = 0; i < COMPANY_STEMS.length; i++) {
    for (let j = 0; j < COMPANY_KINDS.length; j++) {
      if ((i * 7 + j * 3) % 5 === 0 || (i + j) % 4 === 0) {
        out.push(
          `${COMPANY_STEMS[i]} ${COMPANY_KINDS[j]} ${COMPANY_SUFFIXES[(i + 2 * j) % COMPANY_SUFFIXES.length]}`,
        );
      }
    }
  }
  return out;
})();

/** Roles the agency recruits for (candidates' jobs and the placed contractors' titles), with a base salary in USD. */
// prettier-ignore
export const JOBS: { title: string; base: number }[] = [
  { title: 'Registered Nurse', base: 82000 },
  { title: 'ICU Nurse', base: 96000 },
  { title: 'Warehouse Supervisor', base: 58000 },
  { title: 'Forklift Operator', base: 41000 },
  { title: 'Senior Java Developer', base: 145000 },
  { title: 'Frontend Engineer', base: 128000 },
  { title: 'DevOps Engineer', base: 138000 },
  { title: 'Data Engineer', base: 135000 },
  { title: 'Payroll Administrator', base: 56000 },
  { title: 'Staff Accountant', base: 64000 },
  { title: 'Financial Analyst', base: 78000 },
  { title: 'Customer Success Manager', base: 85000 },
  { title: 'Sales Executive', base: 90000 },
  { title: 'Project Manager', base: 105000 },
  { title: 'Pharmacy Technician', base: 42000 },
  { title: 'Electrician', base: 68000 },
  { title: 'Site Engineer', base: 88000 },
  { title: 'Chef de Partie', base: 44000 },
  { title: 'HR Assistant', base: 46000 },
  { title: 'Executive Assistant', base: 62000 },
  { title: 'Quality Assurance Analyst', base: 74000 },
  { title: 'Supply Chain Planner', base: 72000 },
  { title: 'Clinical Research Associate', base: 84000 },
  { title: 'Security Analyst', base: 112000 },
];

// prettier-ignore
export const CONTACT_TITLES = [
  'Head of Talent', 'HR Manager', 'Talent Acquisition Partner', 'VP People', 'Hiring Manager', 'Operations Director',
  'Chief People Officer', 'Recruitment Lead', 'Procurement Manager', 'Engineering Manager', 'Office Manager', 'CFO',
  'Plant Manager', 'Nursing Director',
];

// prettier-ignore
export const CONTRACT_DEPARTMENTS = [
  'Contract Staffing — Healthcare', 'Contract Staffing — Logistics', 'Contract Staffing — Technology',
  'Contract Staffing — Finance', 'Contract Staffing — Hospitality',
];

/** What a US salary of 1 USD is locally (exchange rate times local pay level), for pay and offers. */
export const CURRENCY_RATE: Record<string, number> = {
  USD: 1,
  GBP: 0.62,
  EUR: 0.7,
  INR: 22,
  AUD: 1.3,
};

export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
];
export const MOBILE_USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
];

/** A person as the generator sees them: the public DemoPerson fields plus what drives their traffic. */
export type Profile = {
  index: number;
  id: string;
  name: string;
  email: string;
  department: Department;
  title: string;
  role: 'admin' | 'manager' | 'member';
  isAdmin: boolean;
  timeZone: string;
  office: Office;
  workStart: number;
  workEnd: number;
  workDays: number[];
  lateWorker: boolean;
  managerIndex: number | null;
  incident: IncidentRole;
  salary: number;
  currency: string;
  homeIp: string;
  /** Share of days worked from home (0..1). */
  remoteShare: number;
  userAgent: string;
  mobileUserAgent: string;
  /** Weight of each source in this person's work: crm, ats, hris, identity. */
  sourceWeights: [number, number, number, number];
};

const SOURCE_WEIGHTS: Record<Department, [number, number, number, number]> = {
  Management: [3, 2, 1.5, 1],
  Recruiting: [1.2, 10, 0, 1],
  Sales: [10, 0.8, 0, 1],
  HR: [0, 2, 8, 1],
  Finance: [1.5, 0, 5, 1],
  'Engineering & IT': [0.2, 0.3, 0.4, 1],
};

export function buildRoster(seed: number): Profile[] {
  const rng = new Rng(seed, 0x0f5);
  const used = new Set<string>();
  return ROSTER.map((t, index) => {
    const office = OFFICES[t.office] as Office;
    let first = '';
    let last = '';
    for (let attempt = 0; attempt < 100; attempt++) {
      first = rng.pick(FIRST_NAMES[office.region]);
      last = rng.pick(LAST_NAMES[office.region]);
      const key = `${emailPart(first)}.${emailPart(last)}`;
      if (!used.has(key)) {
        used.add(key);
        break;
      }
    }
    const role = t.role ?? 'member';
    const isAdmin = role === 'admin';
    const weights = [...SOURCE_WEIGHTS[t.department]] as [number, number, number, number];
    if (isAdmin) weights[3] = 3; // directory administration on top of their own sign-ins
    if (isAdmin) weights[2] = 0.8; // HRIS module permissions
    return {
      index,
      id: `emp-${1001 + index}`,
      name: `${first} ${last}`,
      email: `${emailPart(first)}.${emailPart(last)}@${COMPANY_DOMAIN}`,
      department: t.department,
      title: t.title,
      role,
      isAdmin,
      timeZone: office.timeZone,
      office,
      workStart: t.start,
      workEnd: t.end,
      workDays: t.workDays ?? WEEKDAYS,
      lateWorker: t.lateWorker ?? false,
      managerIndex: t.manager,
      incident: t.incident ?? null,
      salary: t.salary,
      currency: office.currency,
      homeIp: `198.51.100.${20 + index}`,
      remoteShare: 0.2 + rng.next() * 0.5,
      userAgent: rng.pick(USER_AGENTS),
      mobileUserAgent: rng.pick(MOBILE_USER_AGENTS),
      sourceWeights: weights,
    };
  });
}
