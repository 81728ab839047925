// What each figure means, in the words the tooltips use. One place, so the UI and the docs agree
// with the capacity model in DESIGN.md.

export const GLOSSARY = {
  cells: 'Diego cells known to any source (BOSH, the rep via Log Cache, or CF instance placement).',
  capacity:
    "Memory Diego can allocate on the cells: the rep's CapacityTotalMemory from Log Cache. Without " +
    "Log Cache it is estimated from the BOSH VM's RAM or vitals, or a configured cell size — marked ≈.",
  allocated:
    'Memory Diego has reserved for containers: CapacityTotalMemory − CapacityRemainingMemory from the ' +
    'rep, which includes the Envoy proxy’s 32 MiB per instance, starting containers and tasks. ' +
    "Without Log Cache it is the sum of the instances' memory limits from CF.",
  allocatedPercent: 'Allocated ÷ capacity. Diego places nothing new on a cell whose allocation is full.',
  used: 'Memory the app instances actually use (sum of usage.mem from CF process stats).',
  usedPercent: 'Used ÷ capacity. The gap between allocated and used is reserved but idle memory.',
  free: 'Capacity − allocated: memory Diego can still hand to new containers.',
  freeChunks: (chunk: string) =>
    `How many ${chunk} instances still fit: for each cell ⌊free ÷ ${chunk}⌋, summed. An instance ` +
    'cannot span two cells, so this counts fragmentation that total free memory hides.',
  nMinusOne:
    "N−1: can the segment's allocated memory still be placed if its largest cell is lost? " +
    'Capacity without the largest cell must be at least the allocated memory.',
  nMinusOneUtil: 'Allocated ÷ (capacity − the largest cell). Above 100 % the segment does not survive losing a cell.',
  cpu:
    'CPU pressure from BOSH vitals: user + sys + wait, as a percent of the VM’s CPUs. ' +
    'Bands: under 50 % normal, 50–80 % elevated, over 80 % high.',
  avgCpu: 'Mean CPU pressure (user + sys + wait) of the cells that report BOSH vitals.',
  requested: 'Memory the STARTED apps ask for: memory_in_mb × instances per process. Stopped apps reserve nothing.',
  appUsed: 'Memory the app’s running instances use now (sum of usage.mem).',
  reclaimable: 'Memory right-sizing would free: for each process, (current limit − recommended limit) × instances.',
  rightSizing:
    'Recommended limit = peak instance usage × 1.25, rounded up to 64 MiB; suggested only when it frees ' +
    'at least 64 MiB and 15 % of the current limit per instance.',
  containers: 'Containers in use ÷ the rep’s container limit (Diego’s default is 250 per cell).',
  segment:
    'Isolation segment the cell serves: from the rep’s placement tag, else the apps placed on it, else ' +
    'the isolation-segment tile’s naming, else shared.',
  freshness:
    'Age of the oldest source in this view. "Cached" means nothing was collected for this request; ' +
    '"stale" means a refresh failed and data past its time to live is shown.',
  instances: 'Running instances ÷ desired instances; crashed and down instances are listed beside.',
} as const;
