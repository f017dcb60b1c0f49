import { useRouter } from "next/navigation";

/**
 * Where the sign-in and sign-up forms lead: `next` once signed in, and the query that carries
 * `next` and the invitation between the two forms.
 */
export function useAfterSignIn(next: string, invitation?: string) {
  const router = useRouter();
  const linkQuery = new URLSearchParams({ next, ...(invitation ? { invitation } : {}) }).toString();
  const proceed = () => {
    router.replace(next);
    router.refresh();
  };
  return { linkQuery, proceed };
}
