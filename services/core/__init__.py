"""What every capability uses: settings, the engine, scope, audit, login, caches, exports."""
