//! Fitting a table's columns to the width: the columns that fit (the least useful go first on
//! a narrow terminal), then the spare width shared out in a pane's order of preference. The
//! fleet table and the projects pane both lay out with it.

/// A column: its title, its least width and how much it is worth keeping.
#[derive(Debug, Clone, Copy)]
pub struct ColSpec<C> {
    pub col: C,
    pub title: &'static str,
    pub width: u16,
    /// Columns with the lowest priority go first when the table is narrow.
    pub priority: u8,
}

/// Which of `columns` fit in `width` with one space between them: the lowest priorities go
/// first. Indices of the kept ones, in order.
pub fn fit_columns<C>(columns: &[ColSpec<C>], width: u16) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let total = |kept: &[usize]| -> u16 {
        kept.iter().map(|&i| columns[i].width).sum::<u16>() + kept.len().saturating_sub(1) as u16
    };
    while total(&kept) > width && kept.len() > 1 {
        let lowest = kept
            .iter()
            .enumerate()
            .min_by_key(|(_, i)| columns[**i].priority)
            .map(|(k, _)| k)
            .unwrap_or(0);
        kept.remove(lowest);
    }
    kept
}

/// The columns that fit `width`, each with its width: the spare room goes to the columns of
/// `grow`, in its order, each up to its cap (`u16::MAX`: all that is left).
pub fn fit<'a, C: PartialEq + Copy>(
    columns: &'a [ColSpec<C>],
    width: u16,
    grow: &[(C, u16)],
) -> Vec<(&'a ColSpec<C>, u16)> {
    let mut out: Vec<(&ColSpec<C>, u16)> = fit_columns(columns, width)
        .into_iter()
        .map(|i| (&columns[i], columns[i].width))
        .collect();
    let used = out.iter().map(|(_, w)| w).sum::<u16>() + out.len().saturating_sub(1) as u16;
    let mut spare = width.saturating_sub(used);
    for &(target, cap) in grow {
        if let Some((_, w)) = out.iter_mut().find(|(c, _)| c.col == target) {
            let add = spare.min(cap.saturating_sub(*w));
            *w += add;
            spare -= add;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_useful_go_first_and_the_spare_is_shared_in_order() {
        let cols = [
            ColSpec {
                col: 'a',
                title: "A",
                width: 10,
                priority: 255,
            },
            ColSpec {
                col: 'b',
                title: "B",
                width: 5,
                priority: 10,
            },
            ColSpec {
                col: 'c',
                title: "C",
                width: 5,
                priority: 50,
            },
        ];
        assert_eq!(fit_columns(&cols, 16), vec![0, 2]);
        let fitted = fit(&cols, 30, &[('c', 8), ('a', u16::MAX)]);
        let widths: Vec<u16> = fitted.iter().map(|(_, w)| *w).collect();
        assert_eq!(widths, vec![15, 5, 8]);
    }
}
