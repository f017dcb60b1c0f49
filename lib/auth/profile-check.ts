import "server-only";
import { APIError } from "better-auth/api";
import { isStorable, NOT_STORABLE } from "../api/text";
import { MAX_USER_NAME, MAX_WORKSPACE_NAME } from "./schemas";

/** Longest profile picture URL kept. */
const MAX_IMAGE_URL = 2048;

/**
 * Checks what a person says about themselves at sign-up and on update-user (better-auth's
 * hooks): a name of at most MAX_USER_NAME characters, and a picture that is an http(s) URL.
 * better-auth copies the user into its session cookie, so a name of thousands of characters
 * made every later request of the account a 431 (headers too large). 422 otherwise.
 */
export function checkProfile(user: { name?: unknown; image?: unknown }) {
  const refuse = (message: string) => {
    throw new APIError("UNPROCESSABLE_ENTITY", { message, code: "INVALID_PROFILE" });
  };
  // A name that is not text reached the database unchecked (a 500); a blank one is no name.
  if (user.name !== undefined && (typeof user.name !== "string" || user.name.trim() === "")) {
    refuse("name: must be text with at least one character other than spaces");
  }
  if (typeof user.name === "string" && [...user.name].length > MAX_USER_NAME) {
    refuse(`name: at most ${MAX_USER_NAME} characters`);
  }
  // Postgres cannot store NUL or a lone surrogate: said here, with the field, not as a failed insert.
  if (typeof user.name === "string" && !isStorable(user.name)) refuse(`name: ${NOT_STORABLE}`);
  if (user.image !== undefined && user.image !== null) {
    let url: URL | undefined;
    try {
      url = typeof user.image === "string" && user.image.length <= MAX_IMAGE_URL ? new URL(user.image) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      refuse(`image: an http(s) URL of at most ${MAX_IMAGE_URL} characters`);
    }
  }
}

/**
 * Checks a workspace's name and slug on better-auth's own organization endpoints (create,
 * update), as Glaze's POST /api/workspaces does: at most MAX_WORKSPACE_NAME characters each (the
 * slug too); 422 otherwise.
 */
export function checkWorkspaceFields(organization: { name?: unknown; slug?: unknown }) {
  for (const field of ["name", "slug"] as const) {
    const value = organization[field];
    if (typeof value === "string" && [...value].length > MAX_WORKSPACE_NAME) {
      throw new APIError("UNPROCESSABLE_ENTITY", {
        message: `${field}: at most ${MAX_WORKSPACE_NAME} characters`,
        code: "INVALID_WORKSPACE",
      });
    }
  }
}
