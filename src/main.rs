// Temporary entry point for the knowledge branch; the real main.rs/cli.rs replaces it at merge.
fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("explain") {
        args.remove(0);
    }
    let json = args.iter().any(|a| a == "--json");
    args.retain(|a| a != "--json");
    let list = match args.iter().position(|a| a == "--list") {
        Some(i) => {
            args.remove(i);
            Some(if i < args.len() {
                Some(args.remove(i))
            } else {
                None
            })
        }
        None => None,
    };
    let explain_args = rdp_doctor::explain::ExplainArgs {
        codes: args,
        json,
        list,
    };
    let mut out = std::io::stdout().lock();
    std::process::exit(rdp_doctor::explain::run(&explain_args, &mut out));
}
