# Loaded only with --var-file.
team     = "Billing (production)"
channels = ["conversation", "chat", "email"]
