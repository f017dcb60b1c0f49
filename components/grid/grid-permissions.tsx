"use client";

import { createContext, type ReactNode, useContext, useMemo } from "react";
import type { Permission } from "@/lib/auth/permissions";

export type GridPermissions = { canWrite: boolean; canEnrich: boolean };

const Context = createContext<GridPermissions>({ canWrite: false, canEnrich: false });

/**
 * What the person may do on this table (their role in its workspace). The grid hides what they
 * cannot do; the API refuses it anyway.
 */
export function GridPermissionsProvider({ permissions, children }: { permissions: Permission[]; children: ReactNode }) {
  const value = useMemo(
    () => ({ canWrite: permissions.includes("write"), canEnrich: permissions.includes("enrich") }),
    [permissions],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useGridPermissions(): GridPermissions {
  return useContext(Context);
}
