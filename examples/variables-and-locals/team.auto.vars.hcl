# Loaded automatically: every *.auto.vars.hcl file in the directory.
hold_timeout = 60000
