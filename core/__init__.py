"""The core of policy: hooks, the pipeline that runs them, the calendar and the result model.

Nothing here knows any industry; each regulation is a plugin (``policy.plugins.*`` or a
package of its own) found through the ``policy`` entry-point group.
"""

# The name on the package index (`policy` there is another project); the import package is `policy`.
DISTRIBUTION = "policy-complaints"
