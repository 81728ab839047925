//! The figures of a state (today, or with the proposed changes).
//!
//! Formulas (all memory in MiB):
//! * capacity = Σ cell capacity; allocated % = allocated ÷ capacity.
//! * N−1, per segment: `capacity − largest cell`; utilisation = allocated ÷ that; fits when ≤ 100 %.
//!   Over several segments the spare capacities add up, but every segment must fit on its own
//!   (a lost shared cell cannot be absorbed by an isolated one).
//! * Free chunks = Σ per cell ⌊(capacity − allocated) ÷ chunk⌋.
//! * Blast radius = the largest share of instances one cell holds (%).
//! * One host lost: cells spread evenly over hosts, so a host carries ⌈cells ÷ hosts⌉ cells;
//!   capacity after = capacity − ⌈cells ÷ hosts⌉ × largest cell.
//! * HA admission: host RAM − HA reservation, compared with host RAM − the largest host (N−1
//!   at host level); the smaller one limits. Demand = Σ cell VM RAM + platform VMs.
//! * vCPU:pCPU = Σ cell vCPUs ÷ Σ physical cores (of every segment: hosts are shared); max cells
//!   by CPU = ⌊(target × cores − other segments' vCPUs) ÷ vCPUs per cell⌋.
//!
//! Proposed state: a new cell shape or count replaces the segment's cells with uniform ones and
//! spreads today's allocation, use, disk and containers evenly over them (what a rolling
//! re-deploy converges to); otherwise today's cells are kept. Overcommit multiplies capacity.
//! A workload is then placed instance by instance on the cell with the most free memory (Diego's
//! balancing), each instance reserving its memory plus the proxy's.

use std::collections::{BinaryHeap, HashMap};

use serde::Serialize;

use super::input::Resolved;
use super::model::{CellModel, FoundationModel};
use crate::units::percent;

/// Figures of one state of the planned scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Cells.
    pub cells: u64,
    /// VM RAM of one cell (GB), when all cells are the same.
    pub cell_memory_gb: Option<f64>,
    /// vCPUs of one cell, when all cells are the same.
    pub cell_vcpus: Option<u32>,
    /// Σ capacity.
    pub capacity_mb: u64,
    /// Σ allocated.
    pub allocated_mb: u64,
    /// Σ used, when known.
    pub used_mb: Option<u64>,
    /// allocated ÷ capacity (%).
    pub allocated_percent: Option<f64>,
    /// used ÷ capacity (%).
    pub used_percent: Option<f64>,
    /// Largest cell lost.
    pub n_minus_one: NMinusOneFigure,
    /// Σ per-cell free chunks.
    pub free_chunks: u64,
    /// Chunk size (MiB).
    pub chunk_mb: u64,
    /// Containers (app instances).
    pub instances: u64,
    /// Mean instances per cell.
    pub instances_per_cell: f64,
    /// Largest share of instances on one cell (%).
    pub blast_radius_percent: f64,
    /// Most containers on one cell.
    pub max_containers_per_cell: u64,
    /// Container limit per cell.
    pub container_limit: u64,
    /// Workload instances that found no cell with room.
    pub unplaced_instances: u64,
    /// Disk allocated ÷ disk capacity (%), when known.
    pub disk_allocated_percent: Option<f64>,
    /// Σ vCPUs of every cell on the hosts, when known.
    pub vcpus: Option<u64>,
    /// vCPU:pCPU, when hosts and vCPUs are known.
    pub vcpu_ratio: Option<f64>,
    /// Cells of this shape the CPU target allows, when known.
    pub max_cells_by_cpu: Option<u64>,
    /// Measured CPU pressure, mean over cells (%).
    pub cpu_pressure_percent: Option<f64>,
    /// Host-level figures, when the hosts are known.
    pub hosts: Option<HostFigures>,
    /// Per segment.
    pub segments: Vec<SegmentFigure>,
}

/// Losing the largest cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NMinusOneFigure {
    /// Capacity left (MiB).
    pub capacity_without_largest_mb: u64,
    /// allocated ÷ capacity left (%).
    pub utilization_percent: Option<f64>,
    /// Every segment still fits.
    pub fits: bool,
}

/// One segment of a state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentFigure {
    /// Name.
    pub name: String,
    /// Cells.
    pub cells: u64,
    /// Capacity.
    pub capacity_mb: u64,
    /// Allocated.
    pub allocated_mb: u64,
    /// N−1 for this segment.
    pub n_minus_one: NMinusOneFigure,
    /// Free chunks.
    pub free_chunks: u64,
    /// Capacity of its largest cell.
    pub largest_cell_mb: u64,
    /// Capacity of its most common cell (the shape more cells would have).
    pub typical_cell_mb: u64,
    /// VM RAM of its most common cell.
    pub typical_cell_vm_mb: u64,
    /// vCPUs of its most common cell, when known.
    pub typical_cell_vcpus: Option<u32>,
}

/// Host-level figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostFigures {
    /// Hosts.
    pub hosts: u32,
    /// Σ host RAM (MiB).
    pub memory_mb: f64,
    /// Σ cell VM RAM + platform VMs (MiB).
    pub demand_mb: f64,
    /// HA admission reservation (MiB).
    pub ha_reserved_mb: f64,
    /// RAM usable under HA admission (MiB).
    pub ha_usable_mb: f64,
    /// RAM usable with the largest host lost (MiB).
    pub n_minus_one_host_usable_mb: f64,
    /// Which limits: `ha_admission` or `n_minus_one_host`.
    pub limiting: &'static str,
    /// The HA reservation expressed in hosts (≈ N−k).
    pub ha_hosts_equivalent: u32,
    /// demand ÷ the limiting usable RAM (%).
    pub utilization_percent: Option<f64>,
    /// Whether the demand fits the limiting usable RAM.
    pub fits: bool,
    /// Cells on one host (spread evenly).
    pub cells_per_host: u64,
    /// Cell capacity left after losing one host (MiB).
    pub capacity_after_host_loss_mb: u64,
    /// allocated ÷ that (%).
    pub host_loss_utilization_percent: Option<f64>,
    /// Whether the allocation survives a host loss.
    pub survives_host_loss: bool,
}

type Pool = (String, Vec<CellModel>);

/// Today's figures and the proposed ones.
pub(crate) fn compute(model: &FoundationModel, r: &Resolved) -> (Figures, Figures) {
    let current: Vec<Pool> = r
        .segments
        .iter()
        .map(|name| (name.clone(), model.segment(name).map(|s| s.cells.clone()).unwrap_or_default()))
        .map(|(name, cells)| (name, with_vm_memory(cells, r.overhead_pct)))
        .collect();
    let others: Vec<CellModel> =
        model.segments.iter().filter(|s| !r.segments.contains(&s.name)).flat_map(|s| s.cells.iter().cloned()).collect();
    let others = with_vm_memory(others, r.overhead_pct);
    let mut proposed: Vec<Pool> = current.iter().map(|(name, cells)| (name.clone(), reshape(cells, r))).collect();
    let unplaced = match (&r.workload, proposed.first_mut()) {
        (Some(w), Some((_, cells))) => {
            place(cells, u64::from(w.instances), w.memory_mb + r.proxy_mb, w.disk_mb, r.max_containers)
        }
        _ => 0,
    };
    (figures(&current, &others, r, 0), figures(&proposed, &others, r, unplaced))
}

/// Fills in VM RAM where unknown: capacity ÷ (1 − overhead).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn with_vm_memory(mut cells: Vec<CellModel>, overhead_pct: f64) -> Vec<CellModel> {
    for c in &mut cells {
        if c.vm_memory_mb.is_none() {
            c.vm_memory_mb = Some((c.capacity_mb as f64 / (1.0 - overhead_pct / 100.0)).round() as u64);
        }
    }
    cells
}

/// The most common cell of a pool (ties: the largest capacity).
fn template(cells: &[CellModel]) -> Option<&CellModel> {
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for c in cells {
        *counts.entry(c.capacity_mb).or_default() += 1;
    }
    let (capacity, _) = counts.into_iter().max_by_key(|(cap, n)| (*n, *cap))?;
    cells.iter().find(|c| c.capacity_mb == capacity)
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn reshape(cells: &[CellModel], r: &Resolved) -> Vec<CellModel> {
    let rebuild = r.cell.is_some() || r.cell_count.is_some();
    let mut out: Vec<CellModel> = if rebuild {
        let n = r.cell_count.map_or(cells.len() as u64, u64::from);
        let t = template(cells);
        let shape = r.cell.clone().unwrap_or_default();
        let keep = 1.0 - r.overhead_pct / 100.0;
        let vm_memory_mb = shape
            .memory_gb
            .map(|gb| (gb * 1024.0).round() as u64)
            .or_else(|| t.and_then(|t| t.vm_memory_mb))
            .unwrap_or(0);
        let capacity_mb = match (shape.memory_gb, t) {
            (Some(gb), _) => (gb * 1024.0 * keep).round() as u64,
            (None, Some(t)) => t.capacity_mb,
            (None, None) => 0,
        };
        let spread = |total: u64, i: u64| total.checked_div(n).map_or(0, |q| q + u64::from(i < total % n));
        let alloc: u64 = cells.iter().map(|c| c.allocated_mb).sum();
        let used: Option<u64> = cells.iter().map(|c| c.used_mb).sum();
        let containers: u64 = cells.iter().map(|c| c.containers).sum();
        let disk_alloc: Option<u64> = cells.iter().map(|c| c.disk_allocated_mb).sum();
        let disk = shape.disk_gb.map(|gb| (gb * 1024.0).round() as u64).or_else(|| t.and_then(|t| t.disk_mb));
        let cpu = mean(cells.iter().filter_map(|c| c.cpu_percent));
        (0..n)
            .map(|i| CellModel {
                capacity_mb,
                allocated_mb: spread(alloc, i),
                used_mb: used.map(|u| spread(u, i)),
                vm_memory_mb: Some(vm_memory_mb),
                vcpus: shape.vcpus.or_else(|| t.and_then(|t| t.vcpus)),
                disk_mb: disk,
                disk_allocated_mb: disk_alloc.filter(|_| disk.is_some()).map(|d| spread(d, i)),
                containers: spread(containers, i),
                // CPU pressure scales with the vCPUs the same work now has.
                cpu_percent: cpu.map(|p| {
                    let before: f64 = cells.iter().filter_map(|c| c.vcpus).map(f64::from).sum();
                    let after = shape.vcpus.or_else(|| t.and_then(|t| t.vcpus)).map_or(0.0, f64::from) * n as f64;
                    if before > 0.0 && after > 0.0 { p * before / after } else { p }
                }),
            })
            .collect()
    } else {
        cells.to_vec()
    };
    if (r.overcommit - 1.0).abs() > f64::EPSILON {
        for c in &mut out {
            c.capacity_mb = (c.capacity_mb as f64 * r.overcommit).round() as u64;
        }
    }
    out
}

/// Places `instances` of `size_mb` one by one on the cell with the most free memory that also
/// has a container slot; returns how many found no room.
fn place(cells: &mut [CellModel], instances: u64, size_mb: u64, disk_mb: u64, max_containers: u64) -> u64 {
    let mut heap: BinaryHeap<(u64, usize)> = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| c.containers < max_containers)
        .map(|(i, c)| (c.capacity_mb.saturating_sub(c.allocated_mb), i))
        .collect();
    let mut placed = 0;
    while placed < instances {
        let Some((free, i)) = heap.pop() else { break };
        if free < size_mb {
            break;
        }
        let cell = &mut cells[i];
        cell.allocated_mb += size_mb;
        cell.containers += 1;
        if let Some(d) = cell.disk_allocated_mb.as_mut() {
            *d += disk_mb;
        }
        placed += 1;
        if cell.containers < max_containers {
            heap.push((free - size_mb, i));
        }
    }
    instances - placed
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

fn n_minus_one(cells: &[CellModel]) -> NMinusOneFigure {
    let capacity: u64 = cells.iter().map(|c| c.capacity_mb).sum();
    let allocated: u64 = cells.iter().map(|c| c.allocated_mb).sum();
    let largest = cells.iter().map(|c| c.capacity_mb).max().unwrap_or(0);
    let left = capacity - largest;
    NMinusOneFigure {
        capacity_without_largest_mb: left,
        utilization_percent: percent(allocated, left),
        fits: !cells.is_empty() && allocated <= left,
    }
}

fn uniform<T: PartialEq + Copy>(cells: &[CellModel], f: impl Fn(&CellModel) -> Option<T>) -> Option<T> {
    let first = f(cells.first()?)?;
    cells.iter().all(|c| f(c) == Some(first)).then_some(first)
}

#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn figures(pools: &[Pool], others: &[CellModel], r: &Resolved, unplaced: u64) -> Figures {
    let all: Vec<&CellModel> = pools.iter().flat_map(|(_, c)| c).collect();
    let sum = |f: fn(&CellModel) -> u64| -> u64 { all.iter().map(|c| f(c)).sum() };
    let capacity = sum(|c| c.capacity_mb);
    let allocated = sum(|c| c.allocated_mb);
    let used: Option<u64> = all.iter().map(|c| c.used_mb).sum();
    let instances = sum(|c| c.containers);
    let chunks = |cells: &[CellModel]| -> u64 {
        cells.iter().map(|c| c.capacity_mb.saturating_sub(c.allocated_mb) / r.chunk_mb).sum()
    };
    let segments: Vec<SegmentFigure> = pools
        .iter()
        .map(|(name, cells)| SegmentFigure {
            name: name.clone(),
            cells: cells.len() as u64,
            capacity_mb: cells.iter().map(|c| c.capacity_mb).sum(),
            allocated_mb: cells.iter().map(|c| c.allocated_mb).sum(),
            n_minus_one: n_minus_one(cells),
            free_chunks: chunks(cells),
            largest_cell_mb: cells.iter().map(|c| c.capacity_mb).max().unwrap_or(0),
            typical_cell_mb: template(cells).map_or(0, |t| t.capacity_mb),
            typical_cell_vm_mb: template(cells).and_then(|t| t.vm_memory_mb).unwrap_or(0),
            typical_cell_vcpus: template(cells).and_then(|t| t.vcpus),
        })
        .collect();
    let spare: u64 = segments.iter().map(|s| s.n_minus_one.capacity_without_largest_mb).sum();
    let n1 = NMinusOneFigure {
        capacity_without_largest_mb: spare,
        utilization_percent: percent(allocated, spare),
        fits: !segments.is_empty() && segments.iter().all(|s| s.n_minus_one.fits),
    };
    let disk: Option<u64> = all.iter().map(|c| c.disk_mb).sum();
    let disk_alloc: Option<u64> = all.iter().map(|c| c.disk_allocated_mb).sum();
    let every_vcpu: Option<u64> =
        all.iter().map(|c| c.vcpus.map(u64::from)).chain(others.iter().map(|c| c.vcpus.map(u64::from))).sum();
    let scope_vcpus: Option<u64> = all.iter().map(|c| c.vcpus.map(u64::from)).sum();
    let cell_vcpus = uniform(&pools.iter().flat_map(|(_, c)| c.iter().cloned()).collect::<Vec<_>>(), |c| c.vcpus);
    let cores = r.hosts.as_ref().map(super::model::HostLayer::cores).filter(|c| *c > 0);
    let vcpu_ratio = every_vcpu.zip(cores).map(|(v, c)| v as f64 / c as f64);
    let max_cells_by_cpu = match (cores, every_vcpu, scope_vcpus, cell_vcpus) {
        (Some(cores), Some(every), Some(scope), Some(per_cell)) if per_cell > 0 => {
            let budget = r.target_vcpu_ratio * cores as f64 - (every - scope) as f64;
            Some((budget / f64::from(per_cell)).max(0.0).floor() as u64)
        }
        _ => None,
    };
    let vm_demand: f64 =
        all.iter().copied().chain(others.iter()).map(|c| c.vm_memory_mb.unwrap_or(c.capacity_mb) as f64).sum();
    let hosts = r.hosts.as_ref().map(|layer| {
        let memory = layer.memory_mb();
        let ha_reserved = layer.ha_reserved_mb();
        let ha_usable = memory - ha_reserved;
        let largest_host = layer.largest_host_mb();
        let n1_usable = memory - largest_host;
        let (limiting, usable) =
            if ha_usable <= n1_usable { ("ha_admission", ha_usable) } else { ("n_minus_one_host", n1_usable) };
        let demand = vm_demand + r.platform_vms_mb;
        let host_count = layer.hosts();
        let cells_per_host = (all.len() as u64).div_ceil(u64::from(host_count.max(1)));
        let largest_cell = all.iter().map(|c| c.capacity_mb).max().unwrap_or(0);
        let after = capacity.saturating_sub(cells_per_host * largest_cell);
        HostFigures {
            hosts: host_count,
            memory_mb: memory,
            demand_mb: demand,
            ha_reserved_mb: ha_reserved,
            ha_usable_mb: ha_usable,
            n_minus_one_host_usable_mb: n1_usable,
            limiting,
            ha_hosts_equivalent: if largest_host > 0.0 { (ha_reserved / largest_host).floor() as u32 } else { 0 },
            utilization_percent: (usable > 0.0).then(|| demand * 100.0 / usable),
            fits: demand <= usable,
            cells_per_host,
            capacity_after_host_loss_mb: after,
            host_loss_utilization_percent: percent(allocated, after),
            survives_host_loss: allocated <= after,
        }
    });
    let cells = all.len() as u64;
    Figures {
        cells,
        cell_memory_gb: uniform(&all.iter().map(|c| (*c).clone()).collect::<Vec<_>>(), |c| c.vm_memory_mb)
            .map(|mb| mb as f64 / 1024.0),
        cell_vcpus,
        capacity_mb: capacity,
        allocated_mb: allocated,
        used_mb: used,
        allocated_percent: percent(allocated, capacity),
        used_percent: used.and_then(|u| percent(u, capacity)),
        n_minus_one: n1,
        free_chunks: segments.iter().map(|s| s.free_chunks).sum(),
        chunk_mb: r.chunk_mb,
        instances,
        instances_per_cell: if cells > 0 { instances as f64 / cells as f64 } else { 0.0 },
        blast_radius_percent: if instances > 0 {
            all.iter().map(|c| c.containers).max().unwrap_or(0) as f64 * 100.0 / instances as f64
        } else if cells > 0 {
            100.0 / cells as f64
        } else {
            0.0
        },
        max_containers_per_cell: all.iter().map(|c| c.containers).max().unwrap_or(0),
        container_limit: r.max_containers,
        unplaced_instances: unplaced,
        disk_allocated_percent: disk.zip(disk_alloc).and_then(|(d, a)| percent(a, d)),
        vcpus: every_vcpu,
        vcpu_ratio,
        max_cells_by_cpu,
        cpu_pressure_percent: mean(all.iter().filter_map(|c| c.cpu_percent)),
        hosts,
        segments,
    }
}
