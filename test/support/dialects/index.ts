import { llamaCpp } from './llama-cpp.js';
import { lmStudio } from './lm-studio.js';
import { ollama } from './ollama.js';
import { ollamaIndex0 } from './ollama-index0.js';
import { ollamaNew } from './ollama-new.js';
import { sglang } from './sglang.js';
import { sglangOld } from './sglang-old.js';
import { vllm08 } from './vllm-0.8.js';
import { vllm } from './vllm.js';
import type { Backend } from './types.js';

export * from './types.js';

/** Every backend dialect of the corpus, one entry per server release family. */
export const BACKENDS: Backend[] = [
  vllm,
  vllm08,
  sglang,
  sglangOld,
  ollama,
  ollamaIndex0,
  ollamaNew,
  llamaCpp,
  lmStudio,
];
