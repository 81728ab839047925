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

/** The Planning view's figures and inputs (formulas as in shared/core/src/planning). */
export const PLANNING_GLOSSARY = {
  source:
    'Plan against the live foundation (what the other views show) or a snapshot: one exported here earlier, ' +
    "or the peer tool's sample format. An imported snapshot stays in this browser tab and is sent with every evaluation.",
  verdict:
    'Does not fit: allocated memory exceeds capacity, new instances find no cell, or a cell exceeds its container ' +
    'limit. Fits with warnings: it fits, but N−1, host loss, the vCPU ratio or free chunks miss their targets. ' +
    'Fits: every target is met.',
  segment:
    'The isolation segment to change. "Every segment" evaluates all segments with cells together; a cell count ' +
    'applies to one segment.',
  cellShape:
    "A new cell size replaces the segment's cells with uniform ones and spreads today's allocation, instances " +
    'and disk evenly over them (what a rolling re-deploy converges to). Empty fields keep today’s shape.',
  cellCount: 'How many cells the segment should have. Empty keeps today’s count.',
  overhead:
    'Memory a cell VM keeps for its OS, Garden and agents: capacity = VM RAM × (1 − overhead). Default: what the ' +
    'foundation shows, else 7 %.',
  overcommit: 'Diego memory overcommit: advertised capacity ÷ real capacity (1 = none, at most 4). It multiplies capacity.',
  workload:
    'A hypothetical app to add: placed instance by instance on the cell with the most free memory, each reserving ' +
    'its memory plus the Envoy proxy’s.',
  hosts:
    'The virtualisation hosts under the cells (e.g. vSphere clusters). With them the plan checks HA admission ' +
    'control, the loss of one host and the vCPU:pCPU ratio.',
  haAdmission: 'vSphere HA admission control: the share of cluster memory reserved for failover (%).',
  platformVms: 'Memory of the non-Diego VMs on the same hosts (GB): part of the host memory demand.',
  targetVcpuRatio: 'The vCPU:pCPU ratio the hosts should not exceed (default 4 vCPUs per physical core).',
  chunk: 'Chunk size for free chunks (MB). Default: the largest instance memory limit in the scope, at least 4 GiB.',
  n1Target: 'N−1 utilisation above this is a warning, and recommendations size for it (default 80 %).',
  maxContainers: 'Containers a cell may run (Diego’s default 250).',
  cellSize: 'VM RAM and vCPUs of one cell, when all cells in the scope are the same ("mixed" otherwise).',
  n1Capacity: 'Capacity without the largest cell, summed over the segments: the room left after losing a cell.',
  instancesPerCell: 'App instances (containers) ÷ cells.',
  blastRadius: 'The largest share of all instances one cell holds: what restarts at once when that cell fails.',
  containers: 'Containers on the fullest cell, against the container limit per cell.',
  unplaced: 'Instances of the new workload that found no cell with enough free memory or a container slot.',
  disk: 'Disk Diego has allocated ÷ the disk it can allocate on these cells.',
  vcpus: 'vCPUs of every cell on the hosts (all segments: they share the hosts).',
  vcpuRatio:
    'vCPU:pCPU = Σ cell vCPUs ÷ Σ physical host cores. Needs a host layer. It is a ratio compared with its ' + 'target, not a percentage.',
  maxCellsByCpu: 'Cells of this shape the CPU target allows: ⌊(target × cores − other segments’ vCPUs) ÷ vCPUs per cell⌋.',
  cpuPressure: 'Measured CPU pressure (user + sys + wait) averaged over the cells; scaled by the vCPU change.',
  hostCount: 'Hosts in every cluster of the host layer.',
  hostDemand: 'Host memory the cells’ VMs and the platform VMs need.',
  hostUsable:
    'Host memory usable while tolerating a failure: the smaller of (memory − HA admission reservation) and ' +
    '(memory − the largest host).',
  hostUtil: 'Host memory demand ÷ usable host memory. Above 100 % the VMs do not fit under HA admission or a host loss.',
  cellsPerHost: 'Cells one host carries when the cells are spread evenly: ⌈cells ÷ hosts⌉.',
  hostLoss: 'Cell capacity left after losing one host and the cells on it.',
  hostLossUtil: 'Allocated ÷ cell capacity after losing one host. Above 100 % the apps do not survive a host failure.',
  bottlenecks:
    'Every resource as a fraction of its own limit, most constrained first: memory against capacity, N−1 memory ' +
    'against capacity without the largest cell, containers against the per-cell limit, the CPU ratio against its ' +
    'target, CPU pressure against 100 %.',
  cpuRatioNote:
    'The CPU ratio is compared with its target: 2.0 vCPU per core against a target of 4 is 50 % of the limit. It is ' +
    'not a CPU percentage.',
  warnings:
    'Findings about the proposed state, most severe first. "Caused by" names the change behind a finding; none ' +
    'means the foundation is already so today. A fix sets an input to the value that resolves it.',
  recommendations: 'What to do, each computed from the figures it cites, with what it improves.',
} as const;
