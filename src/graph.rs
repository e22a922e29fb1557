//! The dependency graph of prompts: order of application, and cycles.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A graph over nodes `0..n`, where an edge `a → b` means `a` depends on `b`.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    edges: Vec<Vec<usize>>,
}

impl Graph {
    pub fn new(nodes: usize) -> Graph {
        Graph {
            edges: vec![Vec::new(); nodes],
        }
    }

    pub fn add_dependency(&mut self, node: usize, depends_on: usize) {
        if !self.edges[node].contains(&depends_on) {
            self.edges[node].push(depends_on);
        }
    }

    pub fn dependencies(&self, node: usize) -> &[usize] {
        &self.edges[node]
    }

    /// Every node after all it depends on; among independent nodes, lowest first.
    ///
    /// # Errors
    ///
    /// A cycle, as the nodes along it with the first repeated at the end.
    pub fn topological_order(&self) -> Result<Vec<usize>, Vec<usize>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Visiting,
            Done,
        }
        let mut marks = vec![Mark::New; self.edges.len()];
        let mut order = Vec::with_capacity(self.edges.len());
        for root in 0..self.edges.len() {
            if marks[root] != Mark::New {
                continue;
            }
            // An explicit stack: a long chain of depends_on must not overflow the call stack.
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            marks[root] = Mark::Visiting;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = self.edges[node].get(*next) {
                    *next += 1;
                    match marks[dep] {
                        Mark::New => {
                            marks[dep] = Mark::Visiting;
                            stack.push((dep, 0));
                        }
                        Mark::Visiting => {
                            let start = stack.iter().position(|&(n, _)| n == dep).unwrap_or(0);
                            let mut cycle: Vec<usize> =
                                stack[start..].iter().map(|&(n, _)| n).collect();
                            cycle.push(dep);
                            return Err(cycle);
                        }
                        Mark::Done => {}
                    }
                } else {
                    marks[node] = Mark::Done;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        Ok(order)
    }

    /// One cycle for each group of nodes that depend on each other (each strongly
    /// connected component), so that every separate cycle is reported, not just the
    /// first: each runs from its lowest node back to it, by the fewest edges.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut cycles: Vec<Vec<usize>> = self
            .components()
            .into_iter()
            .filter_map(|component| {
                let start = *component.iter().min()?;
                self.shortest_cycle(start, &component)
            })
            .collect();
        cycles.sort();
        cycles
    }

    /// The strongly connected components (Tarjan's algorithm, with an explicit stack
    /// like [`Graph::topological_order`]).
    fn components(&self) -> Vec<Vec<usize>> {
        let n = self.edges.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut components = Vec::new();
        let mut next_index = 0;
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = next_index;
            low[root] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (node, ref mut next)) = calls.last_mut() {
                if let Some(&dep) = self.edges[node].get(*next) {
                    *next += 1;
                    if index[dep] == usize::MAX {
                        index[dep] = next_index;
                        low[dep] = next_index;
                        next_index += 1;
                        stack.push(dep);
                        on_stack[dep] = true;
                        calls.push((dep, 0));
                    } else if on_stack[dep] {
                        low[node] = low[node].min(index[dep]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component.push(member);
                        if member == node {
                            break;
                        }
                    }
                    components.push(component);
                }
            }
        }
        components
    }

    /// The shortest path from `start` back to itself within `component`, with
    /// `start` at both ends; `None` for a lone node that does not depend on itself.
    fn shortest_cycle(&self, start: usize, component: &[usize]) -> Option<Vec<usize>> {
        let inside: BTreeSet<usize> = component.iter().copied().collect();
        let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for &dep in &self.edges[node] {
                if dep == start {
                    let mut back = Vec::new();
                    let mut at = node;
                    while at != start {
                        back.push(at);
                        at = came_from[&at];
                    }
                    let mut cycle = vec![start];
                    cycle.extend(back.into_iter().rev());
                    cycle.push(start);
                    return Some(cycle);
                }
                if inside.contains(&dep) && !came_from.contains_key(&dep) {
                    came_from.insert(dep, node);
                    queue.push_back(dep);
                }
            }
        }
        None
    }

    /// The nodes grouped in waves: each node's dependencies are all in earlier waves.
    pub fn levels(&self, order: &[usize]) -> Vec<Vec<usize>> {
        let mut level: BTreeMap<usize, usize> = BTreeMap::new();
        let mut waves: Vec<Vec<usize>> = Vec::new();
        for &node in order {
            let l = self.edges[node]
                .iter()
                .filter_map(|d| level.get(d))
                .map(|l| l + 1)
                .max()
                .unwrap_or(0);
            level.insert(node, l);
            if waves.len() <= l {
                waves.resize(l + 1, Vec::new());
            }
            waves[l].push(node);
        }
        waves
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first() {
        let mut g = Graph::new(3);
        g.add_dependency(0, 2);
        g.add_dependency(2, 1);
        assert_eq!(g.topological_order(), Ok(vec![1, 2, 0]));
        assert_eq!(g.levels(&[1, 2, 0]), vec![vec![1], vec![2], vec![0]]);
    }

    #[test]
    fn reports_the_whole_cycle() {
        let mut g = Graph::new(4);
        g.add_dependency(0, 1);
        g.add_dependency(1, 2);
        g.add_dependency(2, 3);
        g.add_dependency(3, 1);
        assert_eq!(g.topological_order(), Err(vec![1, 2, 3, 1]));
    }

    #[test]
    fn every_separate_cycle_once() {
        let mut g = Graph::new(7);
        g.add_dependency(0, 1);
        g.add_dependency(1, 2);
        g.add_dependency(2, 0);
        g.add_dependency(2, 1);
        g.add_dependency(3, 0);
        g.add_dependency(4, 5);
        g.add_dependency(5, 4);
        g.add_dependency(6, 6);
        assert_eq!(
            g.cycles(),
            vec![vec![0, 1, 2, 0], vec![4, 5, 4], vec![6, 6]]
        );
        assert!(Graph::new(3).cycles().is_empty());
    }

    #[test]
    fn a_long_cycle_is_found_without_overflow() {
        let n = 200_000;
        let mut g = Graph::new(n);
        for i in 0..n {
            g.add_dependency(i, (i + 1) % n);
        }
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n + 1);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let mut g = Graph::new(n);
        for i in 0..n - 1 {
            g.add_dependency(i, i + 1);
        }
        assert_eq!(g.topological_order().map(|o| o[0]), Ok(n - 1));
    }
}
