import { ConfigError, type ConfigProblem, type CriticConfig, fedPolicySchema } from '@parley/core';
import type { ModerationModel } from '@parley/llm';
import { createContradictionExpert } from './contradiction-expert';
import { createCopyingExpert } from './copying-expert';
import { CriticPanel, type CriticPanelOptions, type ModelResolver } from './critic-panel';
import type { FilterExpert } from './expert';
import { createFaithfulnessExpert } from './faithfulness-expert';
import { createFedPolicyExpert } from './fed-policy-expert';
import { createGroundingExpert } from './grounding-expert';
import type { MinHashOptions } from './minhash';
import { createNearDuplicateExpert } from './near-duplicate-expert';
import type { NearDuplicateIndex } from './near-duplicate-index';
import { createRepetitionExpert, type RepetitionExpertOptions } from './repetition-expert';
import { createRolesExpert } from './roles-expert';
import { createRubricExpert } from './rubric-expert';
import type { StemWeights } from './stem-weights';
import { createStructureExpert, type StructureExpertOptions } from './structure-expert';
import { createToxicityLlmExpert } from './toxicity-llm-expert';
import { createToxicityModerationExpert } from './toxicity-moderation-expert';
import { createToxicityWordlistExpert, type ToxicityWordlistExpertOptions } from './toxicity-wordlist-expert';
import { createTruncationExpert } from './truncation-expert';

/** What the panel needs beyond the config: models, services, shared state. */
export interface CriticPanelDependencies {
  /** The run's model bindings (`models:`), built by the LLM layer. */
  models: ModelResolver;
  /** Needed when `toxicity: moderation`. */
  moderation?: ModerationModel;
  /** Accepted conversations' signatures; a shared (Redis) index for a fleet of workers. @defaultValue in-memory */
  nearDuplicateIndex?: NearDuplicateIndex;
  /** Turn bounds, usually the generator's min/max turns per speaker. @defaultValue { minTurnsPerSpeaker: 1 } */
  structure?: StructureExpertOptions;
  /** Persona word weights of grounding and roles: idfWeights of the seed. @defaultValue uniform */
  groundingWeights?: StemWeights;
  /** Repetition settings beyond `offline.minDistinct2`. */
  repetition?: Omit<RepetitionExpertOptions, 'minDistinct2'>;
  /** Word list settings for `toxicity: wordlist`. */
  wordlist?: ToxicityWordlistExpertOptions;
  minHash?: MinHashOptions;
  /** Panel settings the config does not carry (concurrency, unparseable filters, decoding). */
  panel?: Pick<
    CriticPanelOptions,
    'concurrency' | 'unparseableFilter' | 'neutralJudgeScore' | 'decoding' | 'isUnparseable'
  >;
}

/** Expert names that `critic.models` may override. */
export const MODEL_EXPERT_NAMES = ['faithfulness', 'toxicity', 'rubric', ...fedPolicySchema.options] as const;

/** Builds the panel a run's `critic:` section describes. Throws ConfigError for what cannot work. */
export function createCriticPanel(config: CriticConfig, dependencies: CriticPanelDependencies): CriticPanel {
  const problems: ConfigProblem[] = [];
  for (const expert of Object.keys(config.models)) {
    if (!(MODEL_EXPERT_NAMES as readonly string[]).includes(expert)) {
      problems.push({
        path: `critic.models.${expert}`,
        message: `no expert is called ${expert} (expected one of ${MODEL_EXPERT_NAMES.join(', ')})`,
      });
    }
  }
  if (config.filters.includes('toxicity') && config.toxicity === 'moderation' && !dependencies.moderation) {
    problems.push({
      path: 'critic.toxicity',
      message: 'moderation needs a moderation model, and none was given',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const modelOf = (expert: string) => expertModel(config, expert);
  const filters = [...new Set(config.filters)].map((name) => createFilter(name, config, dependencies));
  const policies = [...new Set(config.policies)];
  return new CriticPanel({
    ...dependencies.panel,
    filters,
    ranking:
      config.mode === 'rubric'
        ? { mode: 'rubric', expert: createRubricExpert({ policies, model: modelOf('rubric') }) }
        : {
            mode: 'pairwise',
            experts: policies.map((policy) => createFedPolicyExpert({ policy, model: modelOf(policy) })),
          },
    models: dependencies.models,
    maxFinalists: config.maxFinalists,
    bothOrders: config.bothOrders,
    ...(dependencies.groundingWeights ? { groundingWeights: dependencies.groundingWeights } : {}),
  });
}

function createFilter(
  name: CriticConfig['filters'][number],
  config: CriticConfig,
  dependencies: CriticPanelDependencies,
): FilterExpert {
  const modelOf = (expert: string) => expertModel(config, expert);
  switch (name) {
    case 'structure':
      return createStructureExpert(dependencies.structure);
    case 'grounding':
      return createGroundingExpert({
        minGrounding: config.offline.minGrounding,
        weights: dependencies.groundingWeights,
      });
    case 'roles':
      return createRolesExpert({
        minMargin: config.offline.minRolesMargin,
        weights: dependencies.groundingWeights,
      });
    case 'copying':
      return createCopyingExpert({ maxCopiedPerSpeaker: config.offline.maxCopiedSentences });
    case 'contradiction':
      return createContradictionExpert();
    case 'truncation':
      return createTruncationExpert();
    case 'repetition':
      return createRepetitionExpert({
        ...dependencies.repetition,
        minDistinct2: config.offline.minDistinct2,
      });
    case 'near-duplicate':
      return createNearDuplicateExpert({
        threshold: config.offline.nearDuplicateThreshold,
        ...(dependencies.nearDuplicateIndex ? { index: dependencies.nearDuplicateIndex } : {}),
        ...(dependencies.minHash ? { minHash: dependencies.minHash } : {}),
      });
    case 'toxicity':
      if (config.toxicity === 'wordlist') return createToxicityWordlistExpert(dependencies.wordlist);
      if (config.toxicity === 'moderation')
        return createToxicityModerationExpert({ model: dependencies.moderation! });
      return createToxicityLlmExpert({ model: modelOf('toxicity') });
    case 'faithfulness':
      return createFaithfulnessExpert({ model: modelOf('faithfulness') });
  }
}

/** The model binding of an expert: its override in `critic.models`, else `critic.model`. */
export function expertModel(config: Pick<CriticConfig, 'model' | 'models'>, expert: string): string {
  return config.models[expert] ?? config.model;
}
