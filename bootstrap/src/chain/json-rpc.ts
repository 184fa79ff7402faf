import { RpcError, RpcErrorCode } from './rpc-error.js';

/**
 * The JSON-RPC 2.0 envelope shared by the HTTP and websocket transports: parsing,
 * batches, notifications (requests without an id get no answer) and error responses.
 * Whatever the payload, the answer is a response, never a thrown error.
 */
export type Dispatch = (method: string, params: unknown[]) => Promise<unknown>;
type RequestId = string | number | null;

interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Returns the response text, or undefined when the payload held only notifications. */
export async function answerJsonRpc(text: string, dispatch: Dispatch, onInternalError: (err: unknown) => void): Promise<string | undefined> {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return JSON.stringify(errorResponse(null, RpcErrorCode.parseError, 'Parse error: the request body is not valid JSON'));
  }
  if (!Array.isArray(payload)) {
    const response = await answerRequest(payload, dispatch, onInternalError);
    return response && JSON.stringify(response);
  }
  if (payload.length === 0) return JSON.stringify(errorResponse(null, RpcErrorCode.invalidRequest, 'Invalid request: empty batch'));
  const responses: JsonRpcResponse[] = [];
  for (const request of payload) {
    const response = await answerRequest(request, dispatch, onInternalError);
    if (response) responses.push(response);
  }
  return responses.length > 0 ? JSON.stringify(responses) : undefined;
}

async function answerRequest(request: unknown, dispatch: Dispatch, onInternalError: (err: unknown) => void): Promise<JsonRpcResponse | undefined> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(null, RpcErrorCode.invalidRequest, 'Invalid request: expected a JSON-RPC 2.0 request object');
  }
  const fields = request as Record<string, unknown>;
  const id = fields['id'];
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return errorResponse(null, RpcErrorCode.invalidRequest, 'Invalid request: id must be a string, a number or null');
  }
  const requestId: RequestId = id ?? null;
  if (fields['jsonrpc'] !== '2.0') return errorResponse(requestId, RpcErrorCode.invalidRequest, 'Invalid request: jsonrpc must be "2.0"');
  const method = fields['method'];
  if (typeof method !== 'string') return errorResponse(requestId, RpcErrorCode.invalidRequest, 'Invalid request: method must be a string');
  const params = fields['params'] ?? [];
  const isNotification = id === undefined;
  if (!Array.isArray(params)) {
    const response = errorResponse(requestId, RpcErrorCode.invalidParams, 'Invalid params: params must be an array (Solana RPC methods take positional parameters)');
    return isNotification ? undefined : response;
  }
  let response: JsonRpcResponse;
  try {
    response = { jsonrpc: '2.0', result: await dispatch(method, params), id: requestId };
  } catch (err) {
    if (err instanceof RpcError) {
      response = errorResponse(requestId, err.code, err.message, err.data);
    } else {
      onInternalError(err);
      response = errorResponse(requestId, RpcErrorCode.internalError, `Internal error: ${(err as Error).message ?? String(err)}`);
    }
  }
  return isNotification ? undefined : response;
}

function errorResponse(id: RequestId, code: number, message: string, data?: unknown): JsonRpcResponse {
  return { jsonrpc: '2.0', error: data === undefined ? { code, message } : { code, message, data }, id };
}
