export {
  type ClusteringOptions,
  type ClusteringResult,
  clusterAgglomerative,
  clusterCentroids,
} from './agglomerative-clustering';
export {
  type AttributeAnswer,
  attributeAnswerSchema,
  bootstrapPersonasStage,
  buildBootstrapPersonaPrompt,
  type PersonaQuestion,
  personaQuestionSchema,
} from './bootstrap-personas-stage';
export {
  bootstrapQueriesStage,
  buildBootstrapQueryPrompt,
  type QueryExamples,
  queryExamplesSchema,
} from './bootstrap-queries-stage';
export {
  buildProfiles,
  type ConsistencyOracle,
  DEFAULT_PROFILE_BUILD_OPTIONS,
  type ProfileBuildOptions,
  type ProfileBuildStats,
} from './build-profiles';
export {
  type AttributePair,
  attributePairSchema,
  buildConsistencyPrompt,
  type ConsistencyResult,
  type ContradictionAnswer,
  checkConsistencyStage,
  consistencyResultSchema,
  contradictionAnswerSchema,
} from './check-consistency-stage';
export type { ChunkEvent } from './chunk-dispatcher';
export { comparisonKey } from './comparison-key';
export {
  type ContradictionFinding,
  type ContradictionRule,
  detectContradiction,
} from './detect-contradiction';
export { EmbeddingIndex, type NearestMatch } from './embedding-index';
export {
  DEFAULT_EXPAND_PERSONAS_OPTIONS,
  type ExpandPersonasOptions,
  type ExpansionResult,
  type ExpansionStats,
  expandPersonas,
} from './expand-personas';
export {
  createInProcessChunkRunner,
  type InProcessChunkRunnerOptions,
  type RunChunk,
} from './in-process-chunk-runner';
export {
  buildInduceQueryPrompt,
  type ClusterSample,
  clusterSampleSchema,
  induceQueriesStage,
  type QuestionAnswer,
  questionAnswerSchema,
} from './induce-queries-stage';
export {
  DEFAULT_OFFLINE_EMBEDDING_OPTIONS,
  OfflineEmbeddingModel,
  type OfflineEmbeddingOptions,
} from './offline-embedding-model';
export { type PairingOptions, type ProfileMatch, pairProfiles, profileSimilarity } from './pair-profiles';
export { type PersonaQueryRecord, personaQueryRecordSchema } from './persona-query';
export {
  type ChunkInput,
  type ChunkOutput,
  type GeneratedText,
  generatedTextSchema,
  MODEL_CONFIG_PATH,
  type PersonaModelRole,
  type PersonaStage,
  type PersonaStageModels,
  type PersonaStageName,
} from './persona-stage';
export { isPersonaStageName, PERSONA_STAGES, runPersonaChunk } from './persona-stages';
export {
  JsonlPersonaStore,
  MemoryPersonaStore,
  type PersonaRecordFile,
  type PersonaStore,
  type StoredChunk,
} from './persona-store';
export { collectSeedAttributes } from './seed-attributes';
export { type SeedPairs, seedPairsFromConversations } from './seed-pairs-from-conversations';
export { cosineSimilarity, type SparseVector, sparseCosine, toSparseVector } from './sparse-vector';
export {
  type AttributeRejection,
  type AttributeValidation,
  type AttributeValidationOptions,
  countSentences,
  DEFAULT_ATTRIBUTE_VALIDATION,
  validateAttribute,
} from './validate-attribute';
export {
  DEFAULT_QUESTION_VALIDATION,
  type QuestionRejection,
  type QuestionValidation,
  type QuestionValidationOptions,
  validateQuestion,
} from './validate-question';
