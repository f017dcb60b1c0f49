"use client";

import { type FormEvent, type ReactNode, useState } from "react";

type Field = {
  name: string;
  label: string;
  type: string;
  autoComplete: string;
  defaultValue?: string;
  readOnly?: boolean;
  /** Checked by the browser before anything is sent (the server checks again). */
  minLength?: number;
  maxLength?: number;
};

/** A small form for the sign-in and sign-up pages: labelled fields, one button, one error line. */
export function AuthForm({
  title,
  fields,
  submitLabel,
  onSubmit,
  footer,
}: {
  title: string;
  fields: Field[];
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<string | undefined>;
  footer?: ReactNode;
}) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const failure = await onSubmit(Object.fromEntries(fields.map((f) => [f.name, String(data.get(f.name) ?? "")])));
    setPending(false);
    setError(failure);
  };
  return (
    <form
      aria-label={title}
      // Submitted before the page's script runs, a form without a method is a GET with the
      // password in the URL; a POST keeps it out of history and logs.
      method="post"
      onSubmit={submit}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
      {fields.map((field) => (
        <label key={field.name} className="block text-sm">
          <span className="mb-1 block font-medium text-slate-700">{field.label}</span>
          <input
            name={field.name}
            type={field.type}
            autoComplete={field.autoComplete}
            defaultValue={field.defaultValue}
            readOnly={field.readOnly}
            minLength={field.minLength}
            maxLength={field.maxLength}
            required
            className="h-9 w-full rounded-md border border-slate-300 px-3 outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200 read-only:bg-slate-50"
          />
        </label>
      ))}
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="h-9 w-full rounded-md bg-slate-900 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
      >
        {pending ? "Please wait…" : submitLabel}
      </button>
      {footer}
    </form>
  );
}
