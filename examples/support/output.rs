//! Standard output for the examples: `say!` is `println!` and `put!` is `print!`, except that a
//! closed output (`example | head`) ends the program quietly with status 0 instead of the panic
//! (status 101) that `println!` gives, and any other write error ends it with a message and
//! status 1.

use std::io::Write;

/// Write `args` to standard output, ending the program as the module says when that fails.
#[allow(dead_code)] // `bench_plot` writes a file, not the output.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        eprintln!("{}", write_error(e));
        std::process::exit(1);
    }
}

/// A failed write to the output, for examples that write through a `Write` of their own: a
/// closed output ends the program quietly (status 0); any other error becomes its message.
#[allow(dead_code)] // Used by the examples that do not write with `say!`.
#[allow(clippy::needless_pass_by_value, reason = "called as `map_err(write_error)`")]
pub fn write_error(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    format!("cannot write the output: {e}")
}

/// An error with its causes, for a one-line message: `cannot read FILE: why` rather than the
/// bare `cannot read FILE` of the error alone.
#[allow(dead_code)] // Not every example reads files through the crate.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

/// An example's exit status from its `run`: an error goes to standard error after the
/// example's name, with status 1.
#[allow(dead_code)] // Not the fuzz driver's, which has a third outcome.
pub fn exit_code(name: &str, result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `println!` that ends quietly when the output is closed.
#[allow(unused_macros)]
macro_rules! say {
    () => { $crate::output::write(format_args!("\n")) };
    ($($t:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` that ends quietly when the output is closed.
#[allow(unused_macros)]
macro_rules! put {
    ($($t:tt)*) => { $crate::output::write(format_args!($($t)*)) };
}
