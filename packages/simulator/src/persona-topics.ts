import type { SeededRandom } from '@parley/core';

/**
 * Persona topics: keywords that recognise a topic in persona sentences or a query, questions
 * that ask about it, and sentence templates that answer it. Templates use `{a|b|c}` slots, so
 * a few dozen templates yield thousands of distinct first-person attributes (persona
 * bootstrapping needs new sentences, not the same few over and over).
 */
export interface PersonaTopic {
  name: string;
  keywords: readonly string[];
  questions: readonly string[];
  templates: readonly string[];
}

const NAMES = 'Max|Luna|Bella|Charlie|Daisy|Milo|Rosie|Oscar|Pepper|Ziggy|Timothy|Hazel';
const CITIES =
  'Chicago|Denver|Boston|Seattle|Austin|Miami|Portland|a small town in Ohio|the Texas coast|Vermont';

export const PERSONA_TOPICS: readonly PersonaTopic[] = [
  {
    name: 'pets',
    keywords: [
      'pet',
      'pets',
      'dog',
      'dogs',
      'cat',
      'cats',
      'puppy',
      'kitten',
      'turtle',
      'parrot',
      'fish',
      'hamster',
      'horse',
      'animal',
      'animals',
    ],
    questions: [
      'What pets do you have?',
      'Do you have any animals at home?',
      'What kind of animals do you like?',
    ],
    templates: [
      `I have a {dog|cat|parrot|rabbit|turtle|hamster|goldfish} named {${NAMES}}.`,
      'I have {two|three|four} {dogs|cats|rabbits|chickens} at home.',
      'My {dog|cat|horse|parrot} is {my best friend|getting old|very spoiled|a rescue}.',
      'I {walk|train|groom} dogs for a living.',
      'I want to adopt a {puppy|kitten|rescue dog|bunny} {soon|next year|this summer}.',
    ],
  },
  {
    name: 'work',
    keywords: [
      'work',
      'job',
      'career',
      'nurse',
      'teacher',
      'engineer',
      'office',
      'boss',
      'shift',
      'manager',
      'employed',
      'retired',
      'business',
    ],
    questions: ['What do you do for a living?', 'What is your job?', 'Where do you work?'],
    templates: [
      'I work as a {nurse|teacher|mechanic|chef|accountant|librarian|truck driver|web developer|dentist}.',
      'I {own|run|manage} a small {bakery|bookstore|coffee shop|flower shop|repair shop}.',
      'My job {keeps me on my feet all day|involves a lot of travel|lets me work from home}.',
      'I {just retired|recently got promoted|am looking for a new job} after {ten|twenty|five} years.',
      'I work {nights|weekends|long hours} at the {hospital|factory|airport|warehouse}.',
    ],
  },
  {
    name: 'food',
    keywords: [
      'food',
      'eat',
      'cook',
      'cooking',
      'bake',
      'pizza',
      'sushi',
      'vegan',
      'vegetarian',
      'spicy',
      'chocolate',
      'coffee',
      'tea',
      'restaurant',
      'recipe',
    ],
    questions: ['What is your favorite food?', 'What do you like to cook?', 'What do you usually eat?'],
    templates: [
      'My favorite food is {sushi|pizza|tacos|pasta|curry|pancakes|fried chicken|ramen}.',
      'I {love|enjoy} cooking {Italian|Mexican|Thai|Indian|Greek|Korean} food.',
      'I am a {vegetarian|vegan|picky eater|big fan of spicy food}.',
      'I bake {bread|cookies|pies|cupcakes} every {weekend|Sunday|holiday}.',
      'I drink {three cups of coffee|green tea|hot chocolate} every {morning|day|evening}.',
    ],
  },
  {
    name: 'music',
    keywords: [
      'music',
      'song',
      'songs',
      'band',
      'sing',
      'guitar',
      'piano',
      'violin',
      'drums',
      'concert',
      'jazz',
      'rock',
      'country',
      'instrument',
    ],
    questions: [
      'What kind of music do you enjoy?',
      'Do you play an instrument?',
      'What is your favorite band?',
    ],
    templates: [
      'I play the {guitar|piano|violin|drums|cello|saxophone} {in a band|at church|for fun}.',
      'I love listening to {jazz|country music|classic rock|hip hop|opera|folk music}.',
      'I sing in {a choir|the shower|a local band|karaoke bars}.',
      'My favorite band is {an old rock group|a local indie band|a jazz trio}.',
      'I go to {a concert|a music festival|an open mic night} every {month|summer|year}.',
    ],
  },
  {
    name: 'sports',
    keywords: [
      'sport',
      'sports',
      'soccer',
      'football',
      'basketball',
      'tennis',
      'baseball',
      'run',
      'running',
      'marathon',
      'gym',
      'swim',
      'swimming',
      'yoga',
      'hockey',
      'golf',
    ],
    questions: ['What sports do you play?', 'How do you stay fit?', 'What is your favorite sport?'],
    templates: [
      'I play {soccer|basketball|tennis|volleyball|hockey|golf} on {weekends|Tuesdays|a local team}.',
      'My favorite sport is {baseball|football|ultimate frisbee|rugby|figure skating}.',
      'I am training for {a marathon|a triathlon|a bike race|a swim meet}.',
      'I go to the gym {every morning|three times a week|after work}.',
      'I used to be a {competitive swimmer|college athlete|boxing coach|cheerleader}.',
    ],
  },
  {
    name: 'family',
    keywords: [
      'family',
      'mother',
      'father',
      'mom',
      'dad',
      'sister',
      'brother',
      'siblings',
      'kids',
      'children',
      'son',
      'daughter',
      'married',
      'wife',
      'husband',
      'grandmother',
      'grandfather',
      'parents',
    ],
    questions: ['Tell me about your family.', 'Do you have any siblings?', 'Are you married?'],
    templates: [
      'I have {two|three|four} {brothers|sisters|children|grandchildren}.',
      'My {mother|father|sister|brother|grandmother} is a {doctor|teacher|farmer|pilot|painter}.',
      'I {recently got married|am a single parent|live with my parents|just became an aunt}.',
      'My parents live in {Florida|Canada|a small village|the city}.',
      'I am the {oldest|youngest|middle child} of {three|five|seven} kids.',
    ],
  },
  {
    name: 'travel',
    keywords: [
      'travel',
      'trip',
      'country',
      'countries',
      'visit',
      'vacation',
      'abroad',
      'beach',
      'mountains',
      'plane',
      'europe',
      'japan',
      'paris',
    ],
    questions: [
      'Where would you like to travel?',
      'What is the best trip you have taken?',
      'Do you like to travel?',
    ],
    templates: [
      'I have visited {ten|fifteen|twenty} countries.',
      'I want to travel to {Japan|Italy|Peru|Iceland|Kenya|New Zealand} {someday|next year|after college}.',
      'I spend every summer {at the beach|in the mountains|at a lake cabin}.',
      'I {have never been on a plane|love road trips|backpacked across Europe}.',
      'My favorite place in the world is {Paris|the Grand Canyon|my grandmother’s farm|Lisbon}.',
    ],
  },
  {
    name: 'hobbies',
    keywords: [
      'hobby',
      'hobbies',
      'paint',
      'painting',
      'knit',
      'garden',
      'gardening',
      'collect',
      'photography',
      'games',
      'chess',
      'puzzle',
      'craft',
      'draw',
      'fishing',
      'hiking',
      'camping',
    ],
    questions: [
      'What do you like to do for fun?',
      'What is your favorite hobby?',
      'What do you do in your free time?',
    ],
    templates: [
      'I love {painting|knitting|gardening|woodworking|pottery|photography} in my free time.',
      'I collect {stamps|coins|vintage records|comic books|sea shells|old maps}.',
      'I go {hiking|camping|fishing|kayaking|birdwatching} every {weekend|summer|chance I get}.',
      'I play {chess|board games|video games|poker} with my {friends|family|neighbors}.',
      'I am learning to {paint|surf|code|sew|dance salsa} this year.',
    ],
  },
  {
    name: 'home',
    keywords: [
      'live',
      'living',
      'house',
      'apartment',
      'city',
      'town',
      'farm',
      'moved',
      'grew',
      'home',
      'neighborhood',
      'state',
    ],
    questions: ['Where do you live?', 'Where did you grow up?', 'What is your home like?'],
    templates: [
      `I live in {${CITIES}}.`,
      `I grew up in {${CITIES}}.`,
      'I just bought a {house|small cabin|condo|farmhouse} {near the lake|in the suburbs|downtown}.',
      'I live in a {small apartment|big old house|trailer|loft} with {my roommate|my family|three cats}.',
      'I moved {across the country|to the city|back home} {last year|recently|for work}.',
    ],
  },
  {
    name: 'seasons',
    keywords: [
      'season',
      'seasons',
      'summer',
      'winter',
      'autumn',
      'fall',
      'spring',
      'snow',
      'rain',
      'weather',
      'holiday',
      'christmas',
      'halloween',
    ],
    questions: [
      'What is your favorite season?',
      'What is your favorite holiday?',
      'What weather do you like best?',
    ],
    templates: [
      '{Autumn|Winter|Spring|Summer} is my favorite season.',
      'My favorite holiday is {Halloween|Christmas|Thanksgiving|the Fourth of July|New Year}.',
      'I love {snowy days|rainy afternoons|hot summer nights|cool autumn mornings}.',
      'I {decorate my whole house|bake for days|travel home} every {Christmas|Halloween|Easter}.',
    ],
  },
  {
    name: 'reading',
    keywords: [
      'read',
      'reading',
      'book',
      'books',
      'novel',
      'novels',
      'author',
      'library',
      'write',
      'writing',
      'poetry',
    ],
    questions: ['What kind of books do you read?', 'Who is your favorite author?', 'Do you like to write?'],
    templates: [
      'I love reading {mystery novels|science fiction|history books|romance novels|poetry}.',
      'I am writing {a novel|a cookbook|short stories|a blog} {about my life|in my spare time|for my kids}.',
      'I read {a book a week|every night before bed|on the train to work}.',
      'My favorite author writes {fantasy|thrillers|mysteries|historical fiction}.',
    ],
  },
  {
    name: 'movies',
    keywords: [
      'movie',
      'movies',
      'film',
      'films',
      'tv',
      'show',
      'shows',
      'watch',
      'netflix',
      'actor',
      'cinema',
    ],
    questions: [
      'What is your favorite movie?',
      'What shows do you watch?',
      'What kind of movies do you like?',
    ],
    templates: [
      'I love watching {horror movies|old westerns|romantic comedies|documentaries|cartoons}.',
      'My favorite movie is {an old classic|a superhero film|a silly comedy|a war drama}.',
      'I watch {cooking shows|reality TV|nature documentaries|anime} every {night|weekend}.',
      'I {want to be an actor|worked on a film set|go to the cinema every Friday}.',
    ],
  },
  {
    name: 'vehicles',
    keywords: ['car', 'cars', 'truck', 'drive', 'driving', 'bike', 'motorcycle', 'bicycle', 'ride'],
    questions: ['What kind of car do you drive?', 'How do you get around?', 'Do you like to drive?'],
    templates: [
      'I drive {an old pickup truck|a red convertible|a minivan|a hybrid|a vintage Mustang}.',
      'I ride my {bike|motorcycle|scooter} to {work|school|the beach} every day.',
      'I {restore old cars|do not have a driver’s license|love long road trips} {as a hobby|yet|with friends}.',
    ],
  },
  {
    name: 'school',
    keywords: [
      'school',
      'college',
      'university',
      'study',
      'studying',
      'student',
      'degree',
      'class',
      'classes',
      'graduate',
      'learn',
      'learning',
      'language',
    ],
    questions: ['What are you studying?', 'Where did you go to school?', 'What are you learning right now?'],
    templates: [
      'I am studying {biology|law|nursing|engineering|art history|computer science} in college.',
      'I have a degree in {chemistry|music|psychology|economics|English}.',
      'I am learning to speak {Spanish|Japanese|French|German|Korean}.',
      'I {dropped out of college|just graduated|went back to school} {last year|recently|at forty}.',
    ],
  },
  {
    name: 'fears',
    keywords: [
      'afraid',
      'fear',
      'scared',
      'phobia',
      'allergic',
      'allergy',
      'health',
      'spiders',
      'heights',
      'dark',
    ],
    questions: ['What are you afraid of?', 'Do you have any allergies?', 'What scares you the most?'],
    templates: [
      'I am afraid of {heights|spiders|the dark|deep water|clowns|flying}.',
      'I am allergic to {peanuts|cats|shellfish|pollen|bees}.',
      'I {have a bad knee|wear glasses|never get sick|sleep only five hours a night}.',
    ],
  },
];

const SLOT = /\{([^{}]+)\}/g;

/** Fills every `{a|b|c}` slot of a template with one alternative. */
export function fillTemplate(template: string, random: SeededRandom): string {
  return template.replace(SLOT, (_match, alternatives: string) => random.pick(alternatives.split('|')));
}

const WORD = /[a-z]+/g;

/** The topic whose keywords occur most in the given texts, or undefined when none does. */
export function findTopic(texts: readonly string[]): PersonaTopic | undefined {
  let best: PersonaTopic | undefined;
  let bestScore = 0;
  const words = new Set<string>();
  for (const text of texts) for (const word of text.toLowerCase().match(WORD) ?? []) words.add(word);
  for (const topic of PERSONA_TOPICS) {
    let score = 0;
    for (const keyword of topic.keywords) if (words.has(keyword)) score++;
    if (score > bestScore) {
      best = topic;
      bestScore = score;
    }
  }
  return best;
}
