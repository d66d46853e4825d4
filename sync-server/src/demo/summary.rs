//! What a demo build made, and how it is shown to whoever ran it.

use std::path::PathBuf;
use std::time::Duration;

use super::accounts::Leader;

/// Counts, secrets and paths of a finished demo build.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub townships: usize,
    pub communities: usize,
    pub grids: usize,
    pub households: usize,
    pub residents: usize,
    pub enterprises: usize,
    pub issues: usize,
    /// The Open311 key for the district platform, in clear.
    pub api_key: String,
    pub relay_db: PathBuf,
    pub credentials_path: PathBuf,
    pub leaders: Vec<Leader>,
    pub elapsed: Duration,
}

/// The summary and every leader's login as a table: what the `demo` command
/// prints for a person to read and copy logins from.
impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "惠济区演示数据 / Huiji District demo built in {:.1} s",
            self.elapsed.as_secs_f64()
        )?;
        writeln!(
            f,
            "  townships {}, communities {}, grids {}, households {}, residents {}, \
             enterprises {}, open issues {}",
            self.townships,
            self.communities,
            self.grids,
            self.households,
            self.residents,
            self.enterprises,
            self.issues
        )?;
        writeln!(f, "  relay database: {}", self.relay_db.display())?;
        writeln!(f, "  credentials:    {}", self.credentials_path.display())?;
        writeln!(f, "  Open311 API key (district-platform): {}", self.api_key)?;
        writeln!(f)?;

        let header = ["account", "password", "grid", "grid name", "leader"];
        let rows: Vec<[&str; 5]> = self
            .leaders
            .iter()
            .map(|l| {
                [
                    l.account.as_str(),
                    l.password.as_str(),
                    l.grid_code.as_str(),
                    l.grid_name.as_str(),
                    l.display_name.as_str(),
                ]
            })
            .collect();
        let mut widths = header.map(display_width);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(display_width(cell));
            }
        }
        writeln!(f, "{}", table_line(&header, &widths))?;
        for row in &rows {
            writeln!(f, "{}", table_line(row, &widths))?;
        }
        Ok(())
    }
}

/// One row, each cell padded to its column's width.
fn table_line(cells: &[&str], widths: &[usize]) -> String {
    let mut line = String::from(" ");
    for (cell, width) in cells.iter().zip(widths) {
        line.push(' ');
        line.push_str(cell);
        line.push_str(&" ".repeat(width - display_width(cell) + 1));
    }
    line.trim_end().to_owned()
}

/// How many terminal columns text takes: CJK characters and full-width
/// forms take two, ASCII one. Padding by `chars().count()` would leave a
/// column of Chinese names ragged.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_counts_two_columns_a_character() {
        assert_eq!(display_width("hj0103-2"), 8);
        assert_eq!(display_width("金河社区第1网格"), 15);
    }

    #[test]
    fn cells_line_up_whatever_script_they_are_in() {
        let widths = [8, 6];

        let ascii = table_line(&["abc", "x"], &widths);
        let chinese = table_line(&["王芳", "x"], &widths);

        assert_eq!(ascii.find('x'), Some(12));
        assert_eq!(
            chinese.rfind('x').map(|i| display_width(&chinese[..i])),
            Some(12)
        );
    }
}
