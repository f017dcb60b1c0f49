/** A small dot for a done cell: green when the provider was sure, amber/orange as it was less so. */
export function ConfidenceMark({ confidence }: { confidence: number }) {
  const tone = confidence >= 0.85 ? "bg-emerald-500" : confidence >= 0.7 ? "bg-amber-400" : "bg-orange-500";
  return (
    <span
      aria-hidden="true"
      data-confidence={confidence}
      className={`ml-auto size-1.5 shrink-0 rounded-full ${tone}`}
    />
  );
}
