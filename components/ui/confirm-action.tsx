"use client";

import { useState } from "react";

/**
 * A destructive action that asks once more in place: the first click shows "Confirm: …" and
 * a way back; only the second does it (as deleting a column asks in its menu).
 */
export function ConfirmAction({
  label,
  confirmLabel,
  keepLabel = "Keep",
  onConfirm,
}: {
  label: string;
  confirmLabel: string;
  keepLabel?: string;
  onConfirm: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="text-red-700 hover:underline" onClick={() => setConfirming(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="inline-flex gap-2">
      <button
        type="button"
        className="font-medium text-red-700 hover:underline"
        onClick={() => {
          setConfirming(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="text-slate-600 hover:underline" onClick={() => setConfirming(false)}>
        {keepLabel}
      </button>
    </span>
  );
}
