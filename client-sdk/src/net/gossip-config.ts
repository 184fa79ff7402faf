/**
 * Gossipsub settings for the offer topic: fast propagation (a new offer reaches every
 * peer within a second) and peer scoring that punishes invalid offers without punishing
 * honest peers for a quiet topic.
 */
import type { GossipsubOpts } from '@libp2p/gossipsub';
import { createTopicScoreParams } from '@libp2p/gossipsub/score';
import { OFFER_TOPIC } from './protocol-ids.js';

export interface GossipTuning {
  /** Mesh maintenance period; gossip (IHAVE) for peers that missed a message goes out this often. */
  heartbeatMs: number;
  /** Target mesh degree, and the bounds that trigger grafting/pruning. */
  D: number;
  Dlo: number;
  Dhi: number;
  /** Publish a new offer to every subscribed peer we know, not only to our mesh: one hop less. */
  floodPublish: boolean;
  /**
   * Source IPs exempt from the co-location penalty (more than 10 peers behind one IP score
   * down). Loopback is exempt so local networks and tests work.
   */
  ipColocationWhitelist: string[];
}

export const DEFAULT_GOSSIP_TUNING: GossipTuning = {
  heartbeatMs: 700,
  D: 6,
  Dlo: 4,
  Dhi: 10,
  floodPublish: true,
  ipColocationWhitelist: ['127.0.0.1', '::1'],
};

/**
 * Score weight of one invalid offer. The P4 term is weight x count^2, so one invalid offer
 * puts a peer below the gossip threshold (-10) and a third one past the graylist (-80).
 */
export const INVALID_OFFER_WEIGHT = -10;

export function decloudGossipsubOptions(tuning: Partial<GossipTuning> = {}): Partial<GossipsubOpts> {
  const t = { ...DEFAULT_GOSSIP_TUNING, ...tuning };
  return {
    heartbeatInterval: t.heartbeatMs,
    D: t.D,
    Dlo: t.Dlo,
    Dhi: t.Dhi,
    Dout: Math.min(2, Math.floor(t.Dlo / 2)),
    floodPublish: t.floodPublish,
    // A lone host (or the first one up) must still be able to publish.
    allowPublishToZeroTopicPeers: true,
    // Floodsub peers cannot be scored, so a junk sender could not be pushed out.
    fallbackToFloodsub: false,
    scoreParams: {
      IPColocationFactorWhitelist: new Set(t.ipColocationWhitelist),
      topics: {
        [OFFER_TOPIC]: createTopicScoreParams({
          topicWeight: 1,
          // Small reward for staying in the mesh (capped at +10 overall by topicScoreCap).
          timeInMeshWeight: 0.01,
          timeInMeshQuantum: 1000,
          timeInMeshCap: 3600,
          firstMessageDeliveriesWeight: 0.5,
          firstMessageDeliveriesDecay: 0.9,
          firstMessageDeliveriesCap: 20,
          // Offers are rare (one per host per minute): a delivery quota would punish honest peers.
          meshMessageDeliveriesWeight: 0,
          meshFailurePenaltyWeight: 0,
          invalidMessageDeliveriesWeight: INVALID_OFFER_WEIGHT,
          // Half-life ~35 s (decay is applied once per second).
          invalidMessageDeliveriesDecay: 0.98,
        }),
      },
    },
  };
}
