std = "lua54"
include_files = { "lua/**/*.lua", "spec/**/*.lua", "examples/**/*.lua", "bench/**/*.lua", "bin/ntsec",
                  "tools/**/*.lua", "*.rockspec", ".busted", ".luacheckrc" }
exclude_files = { "lua_modules/", "build/" }
files["spec/**/*.lua"] = { std = "+busted" }
files[".luacheckrc"] = { globals = { "std", "include_files", "exclude_files", "files", "max_line_length" } }
files["*.rockspec"] = { globals = { "rockspec_format", "package", "version", "source", "description",
                                    "dependencies", "build", "test_dependencies", "test" } }
max_line_length = 140
-- Policies run by `ntsec audit` get these globals (docs/audit.md).
files["examples/**/*.lua"] = { read_globals = { "ntsec", "engine", "import" } }
