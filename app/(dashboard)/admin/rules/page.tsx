import type { Metadata } from 'next';
import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { DETECTORS } from '@/lib/detection/detectors';
import { readRules, readSettings } from '@/lib/detection/rules';
import { formatSchedules } from '@/lib/detection/schedule-text';
import { RULE_IDS } from '@/lib/detection/types';
import { requirePermission } from '@/lib/session';
import { RuleEditor, type RuleView } from './_components/rule-editor';
import { SettingsForm } from './_components/settings-form';

export const metadata: Metadata = { title: 'Detection rules' };

export default async function RulesPage() {
  await requirePermission('rules:manage');
  const [rules, settings, counts] = await Promise.all([
    readRules(db),
    readSettings(db),
    db.execute<{ rule: string; active: number; total: number }>(sql`
      select rule, count(*) filter (where status <> 'resolved')::int as active, count(*)::int as total
      from alerts group by rule`),
  ]);
  const byRule = new Map([...counts].map((c) => [c.rule, c]));
  const views: RuleView[] = RULE_IDS.map((id) => {
    const d = DETECTORS[id];
    return {
      id,
      name: d.name,
      description: d.description,
      defaultSeverity: d.defaultSeverity,
      defaults: d.defaults as Record<string, unknown>,
      config: {
        enabled: rules[id].enabled,
        severity: rules[id].severity,
        params: { ...(d.defaults as object), ...(rules[id].params as object) },
      },
      activeAlerts: byRule.get(id)?.active ?? 0,
      totalAlerts: byRule.get(id)?.total ?? 0,
    };
  });
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Detection rules</h1>
        <p className="max-w-3xl text-sm text-muted-foreground">
          Rules run on every event as it arrives. A change applies to events evaluated from then on;
          use <strong>Backtest</strong> to see what proposed settings would have raised over the
          last 30 days before saving. Every change is recorded in the audit log with its old and new
          values.
        </p>
      </div>
      <section aria-labelledby="rules-heading" className="space-y-3">
        <h2 id="rules-heading" className="text-lg font-semibold">
          Rules
        </h2>
        <div className="space-y-3">
          {views.map((view) => (
            <RuleEditor key={view.id} rule={view} />
          ))}
        </div>
      </section>
      <section aria-labelledby="settings-heading" className="space-y-3">
        <h2 id="settings-heading" className="text-lg font-semibold">
          Working hours, holidays and sensitive fields
        </h2>
        <SettingsForm
          initial={{
            timeZone: settings.defaultSchedule.timeZone,
            days: settings.defaultSchedule.days,
            startHour: settings.defaultSchedule.startHour,
            endHour: settings.defaultSchedule.endHour,
            holidays: settings.holidays.join('\n'),
            sensitiveFields: settings.sensitiveFields.join('\n'),
            adminActors: settings.adminActors.join('\n'),
            schedules: formatSchedules(settings.schedules),
          }}
        />
      </section>
    </div>
  );
}
