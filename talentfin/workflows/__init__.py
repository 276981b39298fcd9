"""The workflow engine and, beside it, one package per product.

The engine (``spec``, ``registry``, ``engine``, ``access``, ``checker``, ``common``,
``dossiers``, ``labels``, ``partners``) knows no product: it reads each product's
registration. A product's package (``loan``; later ``insurance``, ``equity``, ``bond``,
``board``) holds its definition, guards, effects, models, labels, dossier summary, policy
keys, demo and bench profile; ``talentfin.programme`` registers it.
"""
