fn main() {
    std::process::exit(assistform::cli::run(std::env::args_os()));
}
