//! Standard output for the examples: `say!` is `println!` and `put!` is `print!`, except that a
//! closed output (`example | head`) ends the program quietly with status 0 instead of the panic
//! (status 101) that `println!` gives, and any other write error ends it with a message and
//! status 1.

use std::io::Write;

/// Write `args` to standard output, ending the program as the module says when that fails.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// `println!` that ends quietly when the output is closed.
macro_rules! say {
    () => { $crate::output::write(format_args!("\n")) };
    ($($t:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` that ends quietly when the output is closed.
#[allow(unused_macros)]
macro_rules! put {
    ($($t:tt)*) => { $crate::output::write(format_args!($($t)*)) };
}
