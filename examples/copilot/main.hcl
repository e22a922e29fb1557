# Agent Copilot as code: an assistant that serves two queues, and its copilot's
# rules — start a checklist when a conversation starts, offer a canned response
# when the customer wants to cancel. Rules name what they act on by reference,
# so apply creates the response and the checklist before the copilot that points
# at them, and removes them after it.
#
# None of these objects has a version: apply reads each one again right before
# it writes, and refuses to overwrite an edit made since the plan.
#
#   assistform plan --emulator
#   assistform apply --emulator

variable "support_queue_id" {
  description = "The Genesys queue of support calls and messages (here: one the emulator knows)."
  default     = "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c01"
}

variable "billing_queue_id" {
  description = "The Genesys queue of billing messages (here: one the emulator knows)."
  default     = "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c02"
}

response_library "retention" {
  name = "Retention"
}

canned_response "cancel_offer" {
  name        = "Before you cancel"
  library_ids = [response_library.retention.id]

  texts {
    content = "Before you go: we can pause your subscription for up to {{months}} months at no cost. Shall I set that up?"
  }

  substitutions {
    id            = "months"
    description   = "How long the subscription may be paused"
    default_value = "3"
  }
}

agent_checklist "greeting" {
  name     = "Greet and verify"
  language = "en-US"

  item {
    name                    = "Greet the customer by name"
    automated_check_enabled = true
  }

  item {
    name      = "Verify the account holder"
    important = true
  }
}

assistant "support" {
  name = "Support assistant"

  queue {
    id          = var.support_queue_id
    media_types = ["Call", "Message"]
  }

  queue {
    id          = var.billing_queue_id
    media_types = ["Message"]
  }
}

copilot "support" {
  assistant_id     = assistant.support.id
  live_on_queue    = true
  default_language = "en-US" # fixed once set

  language_understanding {
    domain_id                   = "8c5bd3c1-5a0e-4f4c-9d4e-0a5f1b6c2d3e"
    intent_confidence_threshold = 0.6
  }

  # A rule's label is its id in Genesys: rules are matched by it, not by order.
  rule "greet" {
    condition {
      type = "ConversationStart"
    }

    action {
      type       = "Checklist"
      attributes = { checklistId = agent_checklist.greeting.id }
    }
  }

  rule "cancel" {
    condition {
      type   = "Intent"
      values = ["cancel subscription"]
    }

    action {
      type       = "CannedResponse"
      attributes = { responseId = canned_response.cancel_offer.id }
    }
  }
}
