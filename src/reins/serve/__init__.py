"""`reins serve`: any reins model behind the OpenAI Chat Completions API.

Peers (aider, mini-swe-agent, any OpenAI client) then talk to exactly the model reins
uses, through reins' own ModelClient: the embedded llama.cpp model, a hosted API, an
OpenAI-compatible server or a scripted replay. `convert` maps the wire format to reins'
messages and back; `app` is the ASGI application (one request at a time per model).
"""
