/**
 * English function words, plus words that appear in nearly every persona and small-talk turn
 * ("love", "favorite", "really"): they carry no persona content, and counting them would make
 * any persona look grounded in any conversation.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being
  below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
  during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
  here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
  let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out
  over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their
  theirs them themselves then there there's these they they'd they'll they're they've this those through
  to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
  where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
  you've your yours yourself yourselves
  just will now ever even still yet maybe much many lot lots something anything everything nothing
  someone anyone everyone thing things way kind sort bit really pretty quite actually always never
  sometimes often usually probably definitely
  yes yeah yep no nope oh ah um hmm wow hey hi hello bye goodbye ok okay sure well right
  thanks thank please sorry
  like likes liked love loves loved enjoy enjoys enjoyed favorite favourite favorites
  get gets got getting go goes going went gone make makes made making do doing done
  know knows knew think thinks thought want wants wanted need needs say says said tell told
  see saw seen look looks looking feel feels felt try trying tried come comes came take took
  good great nice cool awesome amazing fun interesting glad happy wonderful fine bad best better
  time times day days lot people person guy guys
  name names meet met talk talking chat hear heard sound sounds sounded`.split(/\s+/),
);
