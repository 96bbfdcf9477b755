// The one way the console talks to the server: a typed client generated from /openapi.json
// (src/api/schema.d.ts, `make api-client`), the session cookie, and the CSRF header on writes.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { translateError, type ApiError } from "./errors";

let csrfToken = "";
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const session: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && csrfToken) request.headers.set("X-CSRF-Token", csrfToken);
    request.headers.set("Accept", "application/json");
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !request.url.includes("/api/v1/auth/session")) onUnauthenticated();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(session);

/** Unwrap an openapi-fetch result: the data, or a thrown ApiError with Chinese messages. */
export async function call<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await promise;
  if (!response.ok) throw translateError(response.status, error);
  return data as T;
}

export type { ApiError };

/** Download a file from an API URL (exports): the browser keeps the session cookie. */
export function download(url: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.rel = "noopener";
  document.body.appendChild(link);
  link.click();
  link.remove();
}
