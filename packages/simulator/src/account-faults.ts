import type { ProviderFlavour } from './provider-errors';

/** An error answer a fault sends: status, message and the fields of the provider's error body. */
export interface FaultAnswer {
  status: number;
  message: string;
  details: { param?: string | null; code?: string | null; type?: string };
}

/** 401 for a wrong API key, worded as each provider words it. */
export function unauthorizedAnswer(flavour: ProviderFlavour): FaultAnswer {
  return flavour === 'anthropic'
    ? { status: 401, message: 'invalid x-api-key', details: {} }
    : {
        status: 401,
        message:
          'Incorrect API key provided: sk-simu****lated. You can find your API key at https://platform.openai.com/account/api-keys.',
        details: { code: 'invalid_api_key' },
      };
}

/** 404 for a model the account cannot use. */
export function modelNotFoundAnswer(flavour: ProviderFlavour, model: string): FaultAnswer {
  return flavour === 'anthropic'
    ? { status: 404, message: `model: ${model}`, details: {} }
    : {
        status: 404,
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        details: { code: 'model_not_found' },
      };
}

/** OpenAI: 429 `insufficient_quota`. Anthropic: 400 `invalid_request_error`, "credit balance is too low". */
export function insufficientQuotaAnswer(flavour: ProviderFlavour): FaultAnswer {
  return flavour === 'anthropic'
    ? {
        status: 400,
        message:
          'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        details: {},
      }
    : {
        status: 429,
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        details: { type: 'insufficient_quota', code: 'insufficient_quota' },
      };
}

const SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k', 'seed'] as const;

/** The first sampling parameter a request body sends, which the `unsupportedParameter` fault refuses. */
export function sentSamplingParameter(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  return SAMPLING_PARAMETERS.find((name) => (body as Record<string, unknown>)[name] !== undefined);
}

/** 400 refusing a parameter the model does not take. */
export function unsupportedParameterAnswer(flavour: ProviderFlavour, param: string): FaultAnswer {
  return flavour === 'anthropic'
    ? { status: 400, message: `${param}: this parameter is not supported by this model`, details: {} }
    : {
        status: 400,
        message: `Unsupported parameter: '${param}' is not supported with this model.`,
        details: { param, code: 'unsupported_parameter' },
      };
}
