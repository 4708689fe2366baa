/**
 * A small Dockerfile reader for the image tests: instructions per stage,
 * with line continuations joined and comments dropped.
 */

/** One instruction, e.g. `{ keyword: 'RUN', args: 'npm ci' }`. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** A `FROM … AS alias` stage and its instructions. */
export interface DockerStage {
  image: string;
  alias: string | undefined;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages. */
export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', as, alias] = args
        .replace(/--platform=\S+\s+/, '')
        .split(/\s+/);
      stages.push({
        image,
        alias: as?.toUpperCase() === 'AS' ? alias : undefined,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      throw new Error(`${keyword} before the first FROM`);
    }
    stage.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** The instructions of `stage` named `keyword`. */
export function instructions(stage: DockerStage, keyword: string): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);
}

/** `ENV A=1 B=2` as a map (unquoted values only, as this Dockerfile writes them). */
export function envOf(stage: DockerStage): Record<string, string> {
  const pairs = instructions(stage, 'ENV').flatMap((args) => args.split(/\s+/));
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** The JSON array of an exec-form instruction such as `CMD ["node", "x"]`. */
export function execForm(args: string): string[] {
  const start = args.indexOf('[');
  if (start === -1) {
    throw new Error(`not in exec form: ${args}`);
  }
  return JSON.parse(args.slice(start)) as string[];
}
