/**
 * The attacker of `npm run bench:load`'s second phase: a few connections
 * that send large `POST /v1/responses` bodies back to back, as a hostile or
 * broken client would, while the ordinary streams run. The gateway's memory
 * budget (MAX_INFLIGHT_BODY_BYTES) must turn most of them away with 503
 * before their bodies are held, so the ordinary streams all finish.
 *
 * Settings (environment): LOAD_ATTACK_CONNECTIONS (4), LOAD_ATTACK_BODY_MIB
 * (30).
 */
import { Pool } from 'undici';

const CONNECTIONS = Number(process.env.LOAD_ATTACK_CONNECTIONS ?? 4);
const BODY_MIB = Number(process.env.LOAD_ATTACK_BODY_MIB ?? 30);

/** One large body, built once: a request whose input is BODY_MIB of text. */
function largeBody() {
  const filler = 'x'.repeat(BODY_MIB * 1024 * 1024);
  return Buffer.from(
    JSON.stringify({ model: 'bench-attack', input: filler, stream: false }),
  );
}

/**
 * Floods the gateway at `origin` until `until`; resolves with the answers
 * counted by status (or by error code when the connection failed).
 */
export async function flood(origin, until) {
  const body = largeBody();
  const pool = new Pool(origin, {
    connections: CONNECTIONS,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const outcomes = new Map();
  const count = (key) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          try {
            const response = await pool.request({
              path: '/v1/responses',
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            });
            await response.body.dump();
            count(`HTTP ${response.statusCode}`);
          } catch (error) {
            count(error.code ?? error.message);
          }
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { outcomes, bodyMiB: BODY_MIB, connections: CONNECTIONS };
}

/** The attack's lines of the report. */
export function attackLines(attack) {
  const answers = [...attack.outcomes]
    .sort()
    .map(([key, n]) => `${n.toLocaleString('en-US')} × ${key}`)
    .join(', ');
  return `- Attack: ${attack.connections} connections sending ${attack.bodyMiB} MiB \`POST /v1/responses\` bodies back to back for the whole phase. Their answers: ${answers || 'none'}.`;
}
