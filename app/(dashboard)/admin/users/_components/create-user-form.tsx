'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { FieldError, Input, Label, NativeSelect } from '@/components/ui/input';
import { ROLE_LABELS, ROLES, type Role } from '@/lib/authz';
import { createUserAction } from '../actions';

const EMPTY = { email: '', name: '', role: 'reviewer' as Role, password: '', expiresAt: '' };

export function CreateUserForm() {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const set =
    (key: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setValues((v) => ({ ...v, [key]: e.target.value }));

  return (
    <Card>
      <CardHeader>
        <h2 className="text-lg font-semibold">Create a user</h2>
      </CardHeader>
      <CardContent>
        <form
          aria-label="Create a user"
          className="grid gap-4 sm:grid-cols-2"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            startTransition(async () => {
              const { expiresAt, ...rest } = values;
              const result = await createUserAction(
                values.role === 'auditor' ? { ...rest, expiresAt } : rest,
              );
              if (result.ok) {
                setMessage({ kind: 'ok', text: `${values.email} created.` });
                setErrors({});
                setValues(EMPTY);
              } else {
                setMessage({ kind: 'error', text: result.error });
                setErrors(result.fieldErrors ?? {});
              }
            });
          }}
        >
          <Field id="new-name" label="Name" error={errors.name}>
            <Input
              id="new-name"
              value={values.name}
              onChange={set('name')}
              aria-invalid={!!errors.name}
              aria-describedby="new-name-error"
            />
          </Field>
          <Field id="new-email" label="Email" error={errors.email}>
            <Input
              id="new-email"
              type="email"
              value={values.email}
              onChange={set('email')}
              aria-invalid={!!errors.email}
              aria-describedby="new-email-error"
            />
          </Field>
          <Field id="new-role" label="Role" error={errors.role}>
            <NativeSelect id="new-role" value={values.role} onChange={set('role')}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field
            id="new-password"
            label="Initial password (at least 12 characters)"
            error={errors.password}
          >
            <Input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={values.password}
              onChange={set('password')}
              aria-invalid={!!errors.password}
              aria-describedby="new-password-error"
            />
          </Field>
          {values.role === 'auditor' ? (
            <Field id="new-expiry" label="Last day of access (optional)" error={errors.expiresAt}>
              <Input
                id="new-expiry"
                type="date"
                value={values.expiresAt}
                onChange={set('expiresAt')}
                aria-describedby="new-expiry-error"
              />
            </Field>
          ) : null}
          <div className="flex items-center gap-3 sm:col-span-2">
            <Button type="submit" disabled={pending}>
              Create user
            </Button>
            <p
              role="status"
              aria-live="polite"
              className={
                message?.kind === 'error' ? 'text-sm text-destructive' : 'text-sm text-success'
              }
            >
              {message?.text}
            </p>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-2">
      <Label htmlFor={id}>{label}</Label>
      {children}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
