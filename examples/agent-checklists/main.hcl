# Agent checklists: what Agent Copilot ticks off, or asks the agent to, during a
# conversation. Genesys assigns the ids, and a checklist has no version: apply
# reads each one again right before it writes, and refuses to overwrite an edit
# made since the plan.
#
#   assistform plan --emulator
#   assistform apply --emulator

agent_checklist "verify_caller" {
  name     = "Verify the caller"
  language = "en-US"

  item {
    name                    = "Ask for the account number"
    description             = "Before discussing the account, confirm the caller holds it."
    automated_check_enabled = true
    important               = true
  }

  item {
    name               = "Confirm the date of birth"
    exact_phrase_match = false
  }
}

agent_checklist "close_the_call" {
  name     = "Close the call"
  language = "en-US"

  item {
    name = "Offer further help"
  }

  item {
    name                    = "Read the survey notice"
    automated_check_enabled = true
    exact_phrase_match      = true
  }
}
