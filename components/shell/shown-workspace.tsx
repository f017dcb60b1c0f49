"use client";

import { useLayoutEffect } from "react";
import { setShownWorkspace } from "@/lib/client/http";

/**
 * Tells the API calls of this page which workspace it shows (lib/client/http.ts), so the tab
 * keeps working there after the person switched workspace in another tab. Set while rendering
 * too, so no child's first request goes out without it.
 */
export function ShownWorkspace({ id }: { id: string | null }) {
  setShownWorkspace(id);
  useLayoutEffect(() => setShownWorkspace(id), [id]);
  return null;
}
