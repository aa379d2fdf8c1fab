// `cargo leptos end-to-end` starts the server and this run at the same time: wait until the
// server answers /healthz before any test starts.
import type { FullConfig } from "@playwright/test";

const WAIT_MS = 180_000;

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL;
  const deadline = Date.now() + WAIT_MS;
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${baseURL} did not become healthy in ${WAIT_MS / 1000}s: ${lastError}`);
}
