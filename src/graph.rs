//! The dependency graph of prompts: order of application, and cycles.

use std::collections::BTreeMap;

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
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let mut g = Graph::new(n);
        for i in 0..n - 1 {
            g.add_dependency(i, i + 1);
        }
        assert_eq!(g.topological_order().map(|o| o[0]), Ok(n - 1));
    }
}
