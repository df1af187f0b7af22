use std::process::ExitCode;

fn main() -> ExitCode {
    answerdesk::cli::main()
}
