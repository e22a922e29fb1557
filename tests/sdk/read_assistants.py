"""Reads an emulator's assistants, copilots, queue bindings and agent checklists
with Genesys' official Python SDK (PyPI `purecloudplatformclientv2`), as a real
client would, and prints what its typed models hold as one JSON document.

Usage: python3 read_assistants.py BASE_URL CLIENT_ID CLIENT_SECRET

Run by the Rust test tests/it/emulator/sdk.rs, which asserts on the output: an
enum the SDK could not read shows as `outdated_sdk_version`, and a field the
emulator shapes wrongly fails the SDK's deserialisation or reads as None.
"""

import json
import sys
from urllib.parse import parse_qs, urlparse

import PureCloudPlatformClientV2 as sdk


def after(next_uri):
    """The `after` cursor of a page's `nextUri`, or None on the last page."""
    if not next_uri:
        return None
    return parse_qs(urlparse(next_uri).query)["after"][0]


def walk(read, **kwargs):
    """Every entity of a cursor listing, one page after another; and the page count."""
    entities, pages, cursor = [], 0, None
    while True:
        page = read(after=cursor, **kwargs) if cursor else read(**kwargs)
        pages += 1
        entities.extend(page.entities or [])
        cursor = after(page.next_uri)
        if cursor is None:
            return entities, pages
        if pages > 50:
            raise RuntimeError("the listing does not end")


def action(a):
    return {"actionType": a.action_type, "attributes": a.attributes}


def copilot(c):
    if c is None:
        return None
    engine = c.rule_engine_config
    fallback = engine.fallback if engine else None
    return {
        "liveOnQueue": c.live_on_queue,
        "defaultLanguage": c.default_language,
        "enabled": c.enabled,
        "nluEngineType": c.nlu_engine_type,
        "threshold": c.nlu_config.intent_confidence_threshold if c.nlu_config else None,
        "domain": c.nlu_config.domain.id if c.nlu_config and c.nlu_config.domain else None,
        "rules": [
            {
                "id": r.id,
                "enabled": r.enabled,
                "conditions": [
                    {"conditionType": k.condition_type, "conditionValues": k.condition_values}
                    for k in r.rule.conditions
                ],
                "actions": [action(a) for a in r.rule.actions],
            }
            for r in (engine.rules if engine else []) or []
        ],
        "fallback": None
        if fallback is None
        else {"enabled": fallback.enabled, "actions": [action(a) for a in fallback.actions or []]},
        "selfUri": c.self_uri,
    }


def main():
    host, client_id, client_secret = sys.argv[1:4]
    client = sdk.ApiClient(host=host)
    client.get_client_credentials_token(client_id, client_secret)
    assistants_api = sdk.AgentAssistantsApi(client)
    copilot_api = sdk.AgentCopilotApi(client)

    assistants, pages = walk(assistants_api.get_assistants, expand="copilot", page_size="1")
    first = next(a for a in assistants if a.copilot and a.copilot.rule_engine_config.rules)
    one = assistants_api.get_assistant(first.id, expand="copilot")
    bindings, _ = walk(assistants_api.get_assistants_queues, expand="assistant", page_size="1")
    own, _ = walk(assistants_api.get_assistant_queues, assistant_id=first.id)
    checklists, _ = walk(assistants_api.get_assistants_agentchecklists)
    checklist = assistants_api.get_assistants_agentchecklist(checklists[0].id)

    print(json.dumps({
        "assistantPages": pages,
        "assistants": [
            {
                "id": a.id,
                "name": a.name,
                "state": a.state,
                "transcriptionVendor": a.transcription_config.vendor_name,
                "knowledgeVendor": a.knowledge_suggestion_config.vendor_name
                if a.knowledge_suggestion_config else None,
                "createdBy": a.created_by.id if a.created_by else None,
                "dateCreated": a.date_created.isoformat() if a.date_created else None,
                "copilot": copilot(a.copilot),
            }
            for a in assistants
        ],
        "assistant": {"id": one.id, "name": one.name, "copilot": copilot(one.copilot)},
        "copilot": copilot(copilot_api.get_assistant_copilot(first.id)),
        "bindings": [
            {
                "queueId": q.id,
                "mediaTypes": q.media_types,
                "assistantId": q.assistant.id,
                "assistantName": q.assistant.name,
                "dateCreated": q.date_created.isoformat() if q.date_created else None,
            }
            for q in bindings
        ],
        "ownQueues": [q.id for q in own],
        "checklists": [
            {
                "id": c.id,
                "name": c.name,
                "language": c.language,
                "items": [
                    {"id": i.id, "name": i.name, "important": i.important}
                    for i in c.checklist_items
                ],
            }
            for c in checklists
        ],
        "checklist": {"id": checklist.id, "name": checklist.name},
    }, sort_keys=True))


if __name__ == "__main__":
    main()
