//! `lambdatop manpages DIR`: the man pages, from the same clap definitions as `--help` so they
//! cannot drift from it. The main page adds what `--help` has no room for: the dashboard's keys,
//! the files and environment read, and the exit statuses.

use std::path::Path;

use anyhow::{Context, Result};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

/// Writes `lambdatop.1` and one page per command (`lambdatop-snapshot.1`, …) into `dir`.
pub fn write(dir: &Path) -> Result<()> {
    let written = std::fs::create_dir_all(dir).and_then(|()| write_pages(dir));
    written.with_context(|| format!("cannot write the man pages into {}", dir.display()))
}

fn write_pages(dir: &Path) -> std::io::Result<()> {
    let mut cmd = crate::cli::command(String::new()).disable_help_subcommand(true);
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        page(sub.clone()).generate_to(dir)?;
    }
    let mut main = Vec::new();
    main_page(cmd, &mut main)?;
    std::fs::write(dir.join("lambdatop.1"), main)
}

/// clap_mangen's sections, then the ones written here.
fn main_page(cmd: clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = page(cmd);
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    let mut roff = Roff::new();
    section(&mut roff, "KEYS", &[&crate::app::keymap::keys_help()]);
    section(
        &mut roff,
        "FILES",
        &[
            "~/.config/lambdatop/config.toml (XDG_CONFIG_HOME): the config file; \
             `lambdatop config --print-default` writes a commented default.",
            "~/.config/lambdatop/themes/NAME.toml: themes of your own, for --theme NAME.",
            "~/.local/state/lambdatop/lambdatop.log (XDG_STATE_HOME): the log; nothing is \
             logged to the terminal.",
            "~/.aws/config and ~/.aws/credentials: profiles, through the AWS SDK's standard chain.",
        ],
    );
    section(
        &mut roff,
        "ENVIRONMENT",
        &[
            "AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, \
             AWS_SESSION_TOKEN and the rest of the AWS SDK's standard variables.",
            "AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>: send requests to another endpoint, \
             as --endpoint-url does.",
            "LAMBDATOP_LOG: the log's level and filter (default info), e.g. debug or \
             lambdatop=trace.",
            "NO_COLOR: no color at all, as --no-color. COLORTERM and TERM tell the colors the \
             terminal has; TERM=linux draws without braille.",
        ],
    );
    section(
        &mut roff,
        "EXIT STATUS",
        &[
            "0: done. 1: the command failed (one line on standard error says why). \
             2: a bad command line or config file. \
             check: 0 healthy, 1 a breach, 2 the account could not be read.",
        ],
    );
    roff.to_writer(out)?;
    man.render_version_section(out)
}

/// Every page's footer names the program's version and commit, not the command's name.
fn page(cmd: clap::Command) -> Man {
    Man::new(cmd).source(format!("lambdatop {}", crate::cli::VERSION))
}

/// A section of paragraphs; lines inside one paragraph are kept as written (the keys table).
fn section(roff: &mut Roff, title: &str, paragraphs: &[&str]) {
    roff.control("SH", [title]);
    for text in paragraphs {
        if text.contains('\n') {
            roff.control("nf", [])
                .text([roman(*text)])
                .control("fi", []);
        } else {
            roff.control("PP", []).text([roman(*text)]);
        }
    }
}
