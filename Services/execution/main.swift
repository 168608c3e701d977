import Runtime

// The execution service. Its trading logic arrives in later issues; until then it runs the shared
// runtime: configuration, health, readiness, metrics, migrations and clean shutdown.
await ServiceRuntime.main(service: "execution")
